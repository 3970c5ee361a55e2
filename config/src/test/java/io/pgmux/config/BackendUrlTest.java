package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackendUrlTest {

    private static final String HINT =
            "; percent-encode '@', '/' and '?' in the user name and password (%40, %2F, %3F)";

    @Test
    void everyPart() {
        BackendUrl url = BackendUrl.parse(
                "postgres://app:s3cret@db.example.com:5433/appdb?sslmode=require&application_name=pgmux", "app");
        assertEquals("db.example.com", url.host());
        assertEquals(5433, url.port());
        assertEquals("appdb", url.database());
        assertEquals("app", url.user());
        assertEquals("s3cret", url.password());
        assertEquals(Map.of("sslmode", "require", "application_name", "pgmux"), url.params());
        assertEquals(List.of("sslmode", "application_name"), List.copyOf(url.params().keySet()));
        assertEquals("db.example.com:5433", url.hostPort());
    }

    @Test
    void aSocketDirectoryAsLibpqWritesIt() {
        BackendUrl byParam = BackendUrl.parse("postgres://app:pw@/appdb?host=/var/run/postgresql&application_name=x", "a");
        assertEquals("/var/run/postgresql", byParam.host());
        assertEquals(5432, byParam.port());
        assertEquals("appdb", byParam.database());
        assertEquals(Map.of("application_name", "x"), byParam.params(), "host became the host");
        assertEquals(true, byParam.isUnixSocket());
        BackendUrl encoded = BackendUrl.parse("postgresql://app@%2Fvar%2Frun%2Fpostgresql:5433/appdb", "a");
        assertEquals("/var/run/postgresql", encoded.host());
        assertEquals(5433, encoded.port());
        assertEquals("%2Fvar%2Frun%2Fpostgresql:5433", encoded.hostPort());
        assertEquals(encoded, BackendUrl.parse(encoded.toString(), "a"), "toString() parses back");
        assertEquals(5433, BackendUrl.parse("postgres://app@:5433/appdb?host=/tmp", "a").port());
        assertEquals(false, BackendUrl.parse("postgres://h/db", "x").isUnixSocket());
        for (String bad : new String[] {"postgres://h/db?host=/tmp", "postgres:///db?host=relative/dir"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendUrl.parse(bad, "x"));
            assertEquals("the host parameter names a socket directory (starting with /) and needs an empty host before "
                    + "it (postgres://user@/db?host=/var/run/postgresql)", e.getMessage());
        }
    }

    @Test
    void sslmodeIsReadAndChecked() {
        assertEquals(TlsConfig.ServerMode.REQUIRE, BackendUrl.parse("postgres://h/db?sslmode=require", "x").sslMode());
        assertEquals(TlsConfig.ServerMode.VERIFY_FULL,
                BackendUrl.parse("postgres://h/db?application_name=a&sslmode=verify-full", "x").sslMode());
        assertEquals(TlsConfig.ServerMode.DISABLE, BackendUrl.parse("postgres://h/db?sslmode=disable", "x").sslMode());
        assertNull(BackendUrl.parse("postgres://h/db", "x").sslMode(), "absent: tls.server_mode applies");
        for (String bad : new String[] {"allow", "verify_full", "", "true"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BackendUrl.parse("postgres://u:secret@h/db?sslmode=" + bad, "x"));
            assertEquals("sslmode must be one of disable, prefer, require, verify-ca, verify-full", e.getMessage());
        }
    }

    @Test
    void defaultsForPortDatabaseAndCredentials() {
        BackendUrl url = BackendUrl.parse("postgresql://db", "clientsdb");
        assertEquals(new BackendUrl("db", 5432, "clientsdb", null, null, Map.of()), url);
        assertEquals("clientsdb", BackendUrl.parse("postgres://db/", "clientsdb").database());
        assertNull(BackendUrl.parse("postgres://@db", "x").user());
    }

    @Test
    void userWithoutPassword() {
        BackendUrl url = BackendUrl.parse("postgres://pooler@db/app", "x");
        assertEquals("pooler", url.user());
        assertNull(url.password());
    }

    @Test
    void percentDecodingOfUserPasswordDatabaseAndParams() {
        BackendUrl url = BackendUrl.parse(
                "postgres://us%40er:p%40ss%2Fw%3Frd%25@h/my%20db?application_name=a%26b", "x");
        assertEquals("us@er", url.user());
        assertEquals("p@ss/w?rd%", url.password());
        assertEquals("my db", url.database());
        assertEquals("a&b", url.params().get("application_name"));
    }

    @Test
    void plusIsNotASpaceAndUtf8IsDecoded() {
        BackendUrl url = BackendUrl.parse("postgres://%C3%A9l%C3%A8ve:a+b@h", "x");
        assertEquals("élève", url.user());
        assertEquals("a+b", url.password());
    }

    @Test
    void colonAndUnencodedAtInPasswordSplitOnFirstColonAndLastAt() {
        BackendUrl url = BackendUrl.parse("postgres://u:p@ss:w@h/db", "x");
        assertEquals("u", url.user());
        assertEquals("p@ss:w", url.password());
        assertEquals("h", url.host());
    }

    @Test
    void ipv6Hosts() {
        BackendUrl url = BackendUrl.parse("postgres://u@[::1]:5433/db", "x");
        assertEquals("::1", url.host());
        assertEquals(5433, url.port());
        assertEquals("[::1]:5433", url.hostPort());
        assertEquals(5432, BackendUrl.parse("postgres://[2001:db8::7]/db", "x").port());
        assertEquals("postgres://u@[::1]:5433/db", url.toString());
    }

    @Test
    void toStringMasksThePassword() {
        assertEquals("postgres://app:***@127.0.0.1:5432/app",
                BackendUrl.parse("postgres://app:app@127.0.0.1/app", "x").toString());
        assertEquals("postgres://h:5432/d", BackendUrl.parse("postgres://h/d", "x").toString());
        assertEquals("postgres://u%40x:***@h:5432/my%20db?sslmode=require&sslpassword=***",
                BackendUrl.parse("postgres://u%40x:hunter2@h/my%20db?sslmode=require&sslpassword=hunter3", "x")
                        .toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "mysql://u:xyzzy@h/db       | expected a postgres:// or postgresql:// URL",
        "u:xyzzy@h/db               | expected a postgres:// or postgresql:// URL",
        "postgres://u:xy/zzy@h/db   | '/' before '@' in the URL" + HINT,
        "postgres://u:xy?zzy@h/db   | invalid URL port" + HINT,
        "postgres://u:xyzzy@h:0     | URL port must be between 1 and 65535",
        "postgres://u:xyzzy@h:65536 | URL port must be between 1 and 65535",
        "postgres://:xyzzy@h        | the URL has a password but no user name",
        "postgres://u:xyzzy@/db     | the URL has no host",
        "postgres://u:xyzzy@h,g/db  | invalid URL host" + HINT,
        "postgres://u:xyzzy@[::1/db | unclosed '[' in the URL host",
        "postgres://u:xyzzy@[::1]x  | invalid URL host" + HINT,
        "postgres://u:xyz%zy@h      | invalid percent-encoding in the password",
        "postgres://u:xyz%C3@h      | invalid percent-encoding in the password",
        "postgres://u%2:xyzzy@h     | invalid percent-encoding in the user name",
        "postgres://u:xyzzy@h/d%    | invalid percent-encoding in the database name",
        "postgres://u:xyzzy@h?ssl   | URL query parameters must be key=value",
        "postgres://u:xyzzy@h?=1    | URL query parameters must be key=value",
        "postgres://u:xyzzy@h?a=1&a=2 | duplicate URL query parameter",
    })
    void rejectsWithoutQuotingTheUrl(String url, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendUrl.parse(url, "db"));
        assertEquals(message, e.getMessage());
        assertFalse(e.getMessage().contains("xy"), e.getMessage());
    }
}
