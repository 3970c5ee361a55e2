package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @Test
    void hostAndPort() {
        assertEquals(new HostPort("10.1.2.3", 6432), HostPort.parse("10.1.2.3:6432"));
        assertEquals(new HostPort("db.example.com", 5432), HostPort.parse("db.example.com:5432"));
    }

    @Test
    void ipv6InBracketsIsStoredBareAndPrintedBracketed() {
        HostPort hp = HostPort.parse("[::1]:6432");
        assertEquals("::1", hp.host());
        assertEquals(6432, hp.port());
        assertEquals("[::1]:6432", hp.toString());
    }

    @Test
    void emptyHostMeansAllIpv4Addresses() {
        assertEquals(new HostPort("0.0.0.0", 6432), HostPort.parse(":6432"));
    }

    @Test
    void portZeroIsAllowedForEphemeralListeners() {
        assertEquals(0, HostPort.parse("127.0.0.1:0").port());
    }

    @Test
    void toStringParsesBack() {
        for (String text : new String[] {"127.0.0.1:6433", "[2001:db8::1]:1", "localhost:65535"}) {
            assertEquals(text, HostPort.parse(text).toString());
        }
    }

    @Test
    void wildcards() {
        assertTrue(HostPort.parse(":1").isWildcard());
        assertTrue(HostPort.parse("[::]:1").isWildcard());
        assertFalse(HostPort.parse("127.0.0.1:1").isWildcard());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "localhost        | expected host:port, like 0.0.0.0:6432",
        "localhost:       | expected host:port, like 0.0.0.0:6432",
        "localhost:http   | expected host:port, like 0.0.0.0:6432",
        "localhost:-1     | expected host:port, like 0.0.0.0:6432",
        "[::1]6432        | expected host:port, like 0.0.0.0:6432",
        "[::1             | expected host:port, like 0.0.0.0:6432",
        "[]:6432          | expected host:port, like 0.0.0.0:6432",
        "::1:6432         | IPv6 addresses must be in brackets, like [::1]:6432",
        "localhost:65536  | port must be between 0 and 65535",
    })
    void rejects(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertEquals(message, e.getMessage());
    }
}
