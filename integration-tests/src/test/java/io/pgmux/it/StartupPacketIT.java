package io.pgmux.it;

import io.pgmux.it.support.LogTrap;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.RawPg.ErrorFields;
import io.pgmux.it.support.RawPg.Message;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Proves that pgmux answers malformed and special startup packets the way the issue asks, over raw
 * sockets: a startup packet longer than 10,000 bytes, a length below the minimum, protocol 2.0,
 * a missing terminator and plain garbage each get exactly one ErrorResponse (SQLSTATE 08P01, or
 * PostgreSQL's own code where PostgreSQL answers too) followed by a close, never a hang; SSLRequest
 * and GSSENCRequest get a single 'N' and the same connection then logs in normally. It also checks
 * that no bad packet makes pgmux log a warning with a stack trace.
 */
class StartupPacketIT {
    private static final String DB = "startup_it";
    private static final String USER = "startup_user";

    static TestPostgres pg;
    static Pgmux pgmux;

    /** Log records at WARNING or above that carry an exception, caught while each test runs. */
    private final LogTrap logTrap = new LogTrap(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
            && r.getThrown() != null);

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).user("{ name: raw, password: raw, auth: password }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @BeforeEach
    void trapLogs() {
        logTrap.install();
    }

    @AfterEach
    void noStackTracesLogged() {
        logTrap.uninstall();
        assertTrue(logTrap.caught().isEmpty(), () -> "bad client input must not log exceptions, got: "
                + logTrap.describe());
    }

    @Test
    void startupPacketOverTenThousandBytesIsRefused() throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            // only the length is needed to refuse it: pgmux must not wait for 10,001 bytes
            c.send(ByteBuffer.allocate(8).putInt(10_001).putInt(RawPg.PROTOCOL_3_0).array());
            assertSingleErrorThenClose(c, "08P01", "invalid length of startup packet");
        }
    }

    @Test
    void startupPacketOfExactlyTenThousandBytesIsAccepted() throws IOException {
        // the boundary: PostgreSQL's MAX_STARTUP_PACKET_LENGTH itself is allowed
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", "raw");
        params.put("database", DB);
        int base = RawPg.startupPacket(RawPg.PROTOCOL_3_0, params).length;
        int overhead = "application_name".length() + 2;
        params.put("application_name", "a".repeat(10_000 - base - overhead));
        byte[] packet = RawPg.startupPacket(RawPg.PROTOCOL_3_0, params);
        assertEquals(10_000, packet.length);
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(packet);
            Message m = c.readMessage();
            assertNotNull(m, "connection closed instead of asking for a password");
            assertEquals('R', m.type(), () -> "expected an authentication request, got " + RawPg.describe(List.of(m)));
            assertEquals(3, m.authCode(), "user raw is configured for cleartext");
        }
    }

    @Test
    void lengthBelowMinimumIsRefused() throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(ByteBuffer.allocate(4).putInt(3).array());
            assertSingleErrorThenClose(c, "08P01", "invalid length of startup packet");
        }
    }

    @Test
    void protocolTwoIsRefusedExactlyAsPostgresDoes() throws IOException {
        Map<String, String> params = Map.of("user", "raw", "database", DB);
        byte[] packet = RawPg.startupPacket(2 << 16, params);
        // PostgreSQL answers a 2.0 client in the 2.0 format: 'E' and a line of text, then closes
        byte[] fromPgmux;
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(packet);
            fromPgmux = c.readBytesUntilClosed();
        }
        byte[] fromPostgres;
        try (RawPg direct = RawPg.connect(pg.port())) {
            direct.send(packet);
            fromPostgres = direct.readBytesUntilClosed();
        }
        String text = new String(fromPgmux, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("EFATAL:  unsupported frontend protocol 2.0: "), text);
        assertEquals(new String(fromPostgres, StandardCharsets.UTF_8), text, "byte for byte what PostgreSQL sends");
    }

    @Test
    void missingTerminatorIsRefused() throws IOException {
        byte[] good = RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", "raw"));
        good[good.length - 1] = 'x'; // the final NUL replaced: the parameter list never ends
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(good);
            ErrorFields e = assertSingleErrorThenClose(c, "08P01", null);
            assertTrue(e.message().startsWith("invalid startup packet layout"), e::toString);
        }
    }

    @Test
    void missingUserGetsPostgresError() throws IOException {
        byte[] packet = RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("database", DB));
        ErrorFields fromPgmux;
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(packet);
            fromPgmux = assertSingleErrorThenClose(c, "28000", "no PostgreSQL user name specified in startup packet");
        }
        try (RawPg direct = RawPg.connect(pg.port())) {
            direct.send(packet);
            ErrorFields fromPostgres = RawPg.firstError(direct.readUntilClosed());
            assertNotNull(fromPostgres);
            assertEquals(fromPostgres.code(), fromPgmux.code());
            assertEquals(fromPostgres.message(), fromPgmux.message());
        }
    }

    /**
     * Found by LoginFuzzTest: a password message cut in two on a pool that already knows its welcome
     * was released twice (the connection died), and a query cut behind the password lost its head.
     */
    @Test
    void passwordInPiecesAndAQueryCutBehindItAreBothRead() throws Exception {
        try (RawPg warm = RawPg.connect(pgmux.port())) {
            warm.login("raw", DB, "raw"); // the pool now knows its welcome: later logins finish at once
        }
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", "raw", "database", DB)));
            assertEquals(3, c.readMessage().authCode());
            byte[] password = RawPg.message('p', "raw\0".getBytes(StandardCharsets.UTF_8));
            byte[] query = RawPg.query("SELECT 42");
            c.send(java.util.Arrays.copyOf(password, 6));
            Thread.sleep(100);
            ByteBuffer tail = ByteBuffer.allocate(password.length - 6 + 3).put(password, 6, password.length - 6).put(query, 0, 3);
            c.send(tail.array());
            Thread.sleep(100);
            c.send(java.util.Arrays.copyOfRange(query, 3, query.length));
            List<Message> login = c.readUntilReady();
            assertEquals(0, login.get(0).authCode(), () -> RawPg.describe(login));
            assertEquals("42", RawPg.firstValue(c.readUntilReady()));
        }
    }

    @Test
    void startupAndPasswordPipelinedInOneWrite() throws Exception {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            byte[] startup = RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", "raw", "database", DB));
            byte[] password = RawPg.message('p', "raw\0".getBytes(StandardCharsets.UTF_8));
            byte[] query = RawPg.query("SELECT 43");
            c.send(ByteBuffer.allocate(startup.length + password.length + query.length).put(startup).put(password)
                    .put(query).array());
            List<Message> login = c.readUntilReady();
            assertEquals(3, login.get(0).authCode(), () -> RawPg.describe(login));
            assertEquals(0, login.get(1).authCode(), () -> RawPg.describe(login));
            assertEquals("43", RawPg.firstValue(c.readUntilReady()));
        }
    }

    @Test
    void sslRequestIsAnsweredNThenStartupWorks() throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(RawPg.request(RawPg.SSL_REQUEST_CODE));
            assertEquals('N', c.readByte(), "SSLRequest is declined with a single 'N'");
            RawPg.Welcome w = c.login("raw", DB, "raw");
            assertTrue(w.parameters().containsKey("server_version"), "welcome carries ParameterStatus");
            assertEquals("1", RawPg.firstValue(c.simpleQuery("SELECT 1")));
        }
    }

    @Test
    void gssEncRequestIsAnsweredNThenStartupWorks() throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(RawPg.request(RawPg.GSSENC_REQUEST_CODE));
            assertEquals('N', c.readByte(), "GSSENCRequest is declined with a single 'N'");
            // libpq then tries SSL on the same connection before the startup packet
            c.send(RawPg.request(RawPg.SSL_REQUEST_CODE));
            assertEquals('N', c.readByte());
            c.login("raw", DB, "raw");
            assertEquals("2", RawPg.firstValue(c.simpleQuery("SELECT 2")));
        }
    }

    @Test
    void pgjdbcWithSslPreferFallsBackToPlain() throws Exception {
        Properties p = new Properties();
        p.setProperty("sslmode", "prefer");
        try (Connection c = pgmux.connect(DB, USER, USER, p); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            assertTrue(rs.next());
            assertEquals(DB, rs.getString(1));
        }
    }

    @Test
    void httpRequestGetsOneErrorAndClose() throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            // "GET " read as a length is about 1.2 billion: refused at once
            c.send("GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: curl\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertSingleErrorThenClose(c, "08P01", "invalid length of startup packet");
        }
    }

    @Test
    void randomGarbageGetsOneErrorAndClose() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        // a plausible length (100) and an unknown code, so the packet is read whole before it is judged
        ByteBuffer.wrap(garbage).putInt(100).putInt(0x12345678);
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(garbage);
            ErrorFields e = assertSingleErrorThenClose(c, "08P01", null);
            assertTrue(e.message().startsWith("unsupported frontend protocol"), e::toString);
        }
    }

    @Test
    void badClientsDoNotDisturbOthers() throws Exception {
        // a healthy client stays usable across a burst of bad ones
        try (Connection good = pgmux.connect(DB, USER, USER); Statement st = good.createStatement()) {
            for (int i = 0; i < 20; i++) {
                try (RawPg bad = RawPg.connect(pgmux.port())) {
                    bad.send(ByteBuffer.allocate(8).putInt(i % 2 == 0 ? 2 : 50_000).putInt(RawPg.PROTOCOL_3_0).array());
                    assertSingleErrorThenClose(bad, "08P01", null);
                }
                try (ResultSet rs = st.executeQuery("SELECT " + i)) {
                    assertTrue(rs.next());
                    assertEquals(i, rs.getInt(1));
                }
            }
        }
    }

    /**
     * Reads to the end: exactly one ErrorResponse with {@code code} (and {@code message} unless null),
     * severity FATAL, then the server closes the connection.
     */
    private static ErrorFields assertSingleErrorThenClose(RawPg c, String code, String message) throws IOException {
        long start = System.nanoTime();
        List<Message> messages = c.readUntilClosed();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5_000, "answered and closed promptly, took " + ms + " ms");
        if (messages.size() != 1 || messages.get(0).type() != 'E') {
            fail("expected exactly one ErrorResponse then close, got " + RawPg.describe(messages));
        }
        ErrorFields e = messages.get(0).error();
        assertEquals(code, e.code(), e::toString);
        assertEquals("FATAL", e.severity(), e::toString);
        if (message != null) {
            assertEquals(message, e.message());
        }
        return e;
    }
}
