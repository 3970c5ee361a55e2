package io.pgmux.frontend;

import io.pgmux.protocol.PgException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small SQL and startup-packet readers of the frontend. */
class SqlHelpersTest {

    @Test
    void deallocateOfOneName() {
        assertEquals("s_1", DeallocateCommand.statementName("DEALLOCATE S_1"));
        assertEquals("S_1", DeallocateCommand.statementName("deallocate prepare \"S_1\";"));
        assertEquals("_pg3_0", DeallocateCommand.statementName("  DEALLOCATE _pg3_0"));
        assertNull(DeallocateCommand.statementName("DEALLOCATE ALL"));
        assertNull(DeallocateCommand.statementName("DEALLOCATE a; SELECT 1"));
        assertNull(DeallocateCommand.statementName("SELECT 1"));
        assertTrue(DeallocateCommand.dropsAll("DISCARD ALL"));
        assertTrue(DeallocateCommand.dropsAll("DEALLOCATE ALL"));
    }

    @Test
    void startupOptions() {
        assertEquals(Map.of("search_path", "a b", "work_mem", "4MB", "geqo", "off"),
                StartupOptions.parse("-c search_path=a\\ b -cwork_mem=4MB --geqo=off"));
        PgException e = assertThrows(PgException.class, () -> StartupOptions.parse("-d 5"));
        assertEquals("08P01", e.error().code());
        assertEquals("unsupported startup parameter in options: -d", e.error().message());
    }

    @Test
    void parameterSyncQuotesForAnyServerSetting() {
        assertEquals("E'it''s \\\\ ok'", ParameterSync.literal("it's \\ ok"));
        assertEquals("work_mem", ParameterSync.identifier("work_mem"));
        assertEquals("myapp.tenant", ParameterSync.identifier("myapp.tenant"));
        assertEquals("\"Odd\"\"Name\"", ParameterSync.identifier("Odd\"Name"));
    }

    @Test
    void clientParametersOverlayTheServerWelcome() {
        Map<String, String> welcome = Map.of("TimeZone", "Etc/UTC", "DateStyle", "ISO, MDY", "server_version", "17.6",
                "application_name", "");
        ClientParameters p = ClientParameters.of(Map.of("timezone", "Europe/Paris", "extra_float_digits", "3"),
                welcome, List.of("DateStyle", "TimeZone", "application_name"));
        assertEquals("Europe/Paris", p.tracked().get("TimeZone"), "startup names match case-insensitively");
        assertEquals("ISO, MDY", p.tracked().get("DateStyle"));
        assertEquals(Map.of("extra_float_digits", "3"), p.explicit());
        assertEquals("Europe/Paris", p.welcome(welcome).get("TimeZone"));
        assertEquals("17.6", p.welcome(welcome).get("server_version"));
        assertTrue(p.onReported("TimeZone", "UTC"));
        assertEquals("UTC", p.get("TimeZone"));
        assertTrue(!p.onReported("server_version", "18"), "untracked reports change nothing");
    }
}
