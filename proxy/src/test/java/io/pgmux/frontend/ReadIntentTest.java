package io.pgmux.frontend;

import io.pgmux.protocol.PgException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadIntentTest {

    private static SessionRouting.Intent of(String... kv) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], kv[i + 1]);
        }
        SessionRouting.Intent intent = ReadIntent.of(params);
        assertFalse(params.containsKey("target_session_attrs"), "PostgreSQL would refuse it: never forwarded");
        return intent;
    }

    @Test
    void targetSessionAttrs() {
        assertEquals(SessionRouting.Intent.READ_ONLY, of("target_session_attrs", "read-only"));
        assertEquals(SessionRouting.Intent.READ_ONLY, of("target_session_attrs", "prefer-standby"));
        assertEquals(SessionRouting.Intent.READ_ONLY, of("target_session_attrs", "Standby"));
        assertEquals(SessionRouting.Intent.PRIMARY, of("target_session_attrs", "read-write"));
        assertEquals(SessionRouting.Intent.PRIMARY, of("target_session_attrs", "primary"));
        assertEquals(SessionRouting.Intent.ANY, of("target_session_attrs", "any"));
        PgException e = assertThrows(PgException.class, () -> of("target_session_attrs", "replica"));
        assertEquals("22023", e.error().code());
        assertEquals("invalid value for parameter \"target_session_attrs\": \"replica\"", e.error().message());
    }

    @Test
    void defaultTransactionReadOnly() {
        assertEquals(SessionRouting.Intent.READ_ONLY, of("default_transaction_read_only", "on"));
        assertEquals(SessionRouting.Intent.READ_ONLY, of("default_transaction_read_only", "TRUE"));
        assertEquals(SessionRouting.Intent.READ_ONLY, of("DEFAULT_TRANSACTION_READ_ONLY", "1"));
        assertEquals(SessionRouting.Intent.ANY, of("default_transaction_read_only", "off"));
        assertEquals(SessionRouting.Intent.ANY, of("application_name", "x"));
        assertTrue(ReadIntent.isOn(" yes "));
        assertFalse(ReadIntent.isOn(""));
        assertTrue(ReadIntent.isOff("OFF"));
        assertTrue(ReadIntent.isOff("f"));
        assertFalse(ReadIntent.isOff("o"), "ambiguous in PostgreSQL too");
    }

    @Test
    void aReportedSettingGivenAtLoginIsWelcomedWithTheClientsValue() {
        ClientParameters p = ClientParameters.of(Map.of("default_transaction_read_only", "true"),
                Map.of("default_transaction_read_only", "off", "TimeZone", "UTC"), java.util.List.of("TimeZone"));
        Map<String, String> welcome = p.welcome(Map.of("default_transaction_read_only", "off", "TimeZone", "UTC"));
        assertEquals("on", welcome.get("default_transaction_read_only"), "libpq's target_session_attrs=read-only reads it");
        assertEquals("UTC", welcome.get("TimeZone"));
    }
}
