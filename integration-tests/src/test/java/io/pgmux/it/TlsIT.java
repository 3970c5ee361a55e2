package io.pgmux.it;

import io.pgmux.demo.TestCa;
import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.Subprocess;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS on both legs with pgjdbc and a CA made in the test by the {@code openssl} command.
 *
 * <p>Client leg: {@code tls.client_mode} require, prefer and disable against {@code sslmode}
 * disable, require and verify-full; plain bytes behind an SSLRequest; a certificate replaced and
 * picked up by RELOAD. Server leg: a PostgreSQL started with {@code ssl = on}; {@code pg_stat_ssl}
 * (asked through pgmux, so it describes pgmux's own server connection) shows which leg is TLS;
 * verify-full against the wrong CA, and require against a server without TLS, fail clearly.
 */
class TlsIT {
    private static final String DB = "tls_it";
    private static final String USER = "tls_user";
    private static final String SSL_OF_SERVER_LEG = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    @TempDir
    static Path dir;
    static TestCa ca;
    /** Another CA, which signed nothing pgmux or the TLS server shows. */
    static TestCa otherCa;
    static TestPostgres plainPg;
    static TestPostgres tlsPg;
    Pgmux pgmux;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestCa.available(), "no openssl command");
        ca = TestCa.create(dir.resolve("ca"), "pgmux test CA");
        otherCa = TestCa.create(dir.resolve("other"), "some other CA");
        plainPg = SharedPostgres.get();
        plainPg.createDatabase(DB, USER);
        // 127.0.0.2 too: an address the certificate was not issued for (loopback, no set-up needed on Linux)
        tlsPg = TestPostgres.startLocal("tls", b -> b.tls(ca.serverCert(), ca.serverKey())
                .setting("listen_addresses", "127.0.0.1,127.0.0.2"));
        tlsPg.createDatabase(DB, USER);
    }

    @AfterAll
    static void stopServer() {
        if (tlsPg != null) {
            tlsPg.close();
        }
    }

    @AfterEach
    void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    private static String yaml(TestPostgres pg, String tls) {
        return """
                tls: %s
                users:
                  - { name: %s, password: %s }
                databases:
                  %s:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://%s:%s@127.0.0.1:%d/%s
                """.formatted(tls, USER, USER, DB, USER, USER, pg.port(), DB);
    }

    private static String clientTls(String mode, TestCa cert) {
        return "{ client_mode: %s, cert_file: %s, key_file: %s }".formatted(mode, cert.serverCert(), cert.serverKey());
    }

    private static Properties ssl(String mode, TestCa root) {
        Properties p = new Properties();
        p.setProperty("sslmode", mode);
        if (root != null) {
            p.setProperty("sslrootcert", root.caCert().toString());
        }
        return p;
    }

    /** Connects through pgmux and says whether pgmux's own connection to the server is TLS. */
    private boolean serverLegTls(Properties props) throws SQLException {
        try (Connection c = pgmux.connect(DB, USER, USER, props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(SSL_OF_SERVER_LEG)) {
            assertTrue(rs.next());
            return rs.getBoolean(1);
        }
    }

    // ------------------------------------------------------------------ client leg

    @Test
    void requireTakesTlsClientsAndRefusesPlainOnes() throws Exception {
        pgmux = Pgmux.start(yaml(plainPg, clientTls("require", ca)));
        assertEquals(false, serverLegTls(ssl("require", null)), "server_mode disable: the server leg is plain");
        serverLegTls(ssl("verify-full", ca));
        SQLException plain = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        assertEquals("28000", plain.getSQLState(), PgErrors.describe(plain));
        assertEquals("SSL required", PgErrors.serverMessage(plain));
        SQLException wrongCa = assertThrows(SQLException.class, () -> serverLegTls(ssl("verify-full", otherCa)));
        assertTrue(wrongCa.getMessage().contains("SSL"), PgErrors.describe(wrongCa));
    }

    /** libpq (psql) as well as pgjdbc: its SSLRequest, its certificate checks, its reading of the refusal. */
    @Test
    void psqlWithVerifyFullAndPlain() throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        pgmux = Pgmux.start(yaml(plainPg, clientTls("require", ca)));
        String conninfo = "host=127.0.0.1 port=%d dbname=%s user=%s".formatted(pgmux.port(), DB, USER);
        Map<String, String> env = Map.of("PGPASSWORD", USER, "PGSSLMODE", "verify-full",
                "PGSSLROOTCERT", ca.caCert().toString());
        Subprocess.Result ok = Subprocess.run(List.of(psql.toString(), "-X", "-At", "-d", conninfo, "-c",
                "select 1"), null, env, Duration.ofSeconds(60));
        assertEquals(0, ok.exitCode(), ok.describe());
        assertEquals("1", ok.stdout().strip());
        Subprocess.Result plain = Subprocess.run(List.of(psql.toString(), "-X", "-At", "-d", conninfo + " sslmode=disable",
                "-c", "select 1"), null, env, Duration.ofSeconds(60));
        assertEquals(2, plain.exitCode(), plain.describe());
        assertTrue(plain.stderr().contains("SSL required"), plain.describe());
    }

    @Test
    void preferTakesBoth() throws Exception {
        pgmux = Pgmux.start(yaml(plainPg, clientTls("prefer", ca)));
        serverLegTls(ssl("disable", null));
        serverLegTls(ssl("require", null));
        serverLegTls(ssl("verify-full", ca));
    }

    @Test
    void disableAnswersNo() throws Exception {
        pgmux = Pgmux.start(yaml(plainPg, "{ client_mode: disable }"));
        serverLegTls(ssl("prefer", null));
        SQLException e = assertThrows(SQLException.class, () -> serverLegTls(ssl("require", null)));
        assertTrue(e.getMessage().contains("does not support SSL"), PgErrors.describe(e));
    }

    @Test
    void plainBytesBehindTheSslRequestAreRefused() throws Exception {
        pgmux = Pgmux.start(yaml(plainPg, clientTls("prefer", ca)));
        byte[] request = RawPg.request(RawPg.SSL_REQUEST_CODE);
        byte[] startup = RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", USER, "database", DB));
        byte[] both = new byte[request.length + startup.length];
        System.arraycopy(request, 0, both, 0, request.length);
        System.arraycopy(startup, 0, both, request.length, startup.length);
        try (RawPg raw = RawPg.connect(pgmux.port())) {
            raw.send(both);
            List<RawPg.Message> messages = raw.readUntilClosed();
            assertEquals(1, messages.size(), messages.toString());
            assertEquals("08P01", messages.get(0).error().code());
            assertEquals("received unencrypted data after SSL request", messages.get(0).error().message());
        }
    }

    @Test
    void reloadPicksUpANewCertificate() throws Exception {
        Path cert = dir.resolve("live.crt");
        Path key = dir.resolve("live.key");
        Files.copy(ca.serverCert(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(ca.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                """ + yaml(plainPg, "{ client_mode: require, cert_file: %s, key_file: %s }".formatted(cert, key))
                .replace("users:\n", "users:\n  - { name: admin, password: tls-admin }\n"));
        pgmux = Pgmux.startFile(file);
        serverLegTls(ssl("verify-full", ca));

        Files.copy(otherCa.serverCert(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(otherCa.serverKey(), key, StandardCopyOption.REPLACE_EXISTING);
        Properties admin = AdminSql.props("admin", "tls-admin");
        admin.setProperty("sslmode", "require"); // the admin console follows client_mode too
        try (Connection c = java.sql.DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), "pgmux"), admin);
             Statement st = c.createStatement()) {
            st.execute("RELOAD");
        }
        serverLegTls(ssl("verify-full", otherCa));
        assertThrows(SQLException.class, () -> serverLegTls(ssl("verify-full", ca)), "the old certificate is gone");

        Files.writeString(key, "not a key\n");
        try (Connection c = java.sql.DriverManager.getConnection(AdminSql.url(pgmux.adminPort(), "pgmux"), admin);
             Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("RELOAD"));
            assertEquals("F0000", e.getSQLState(), PgErrors.describe(e));
        }
        serverLegTls(ssl("verify-full", otherCa)); // a refused reload keeps the certificate in force
    }

    // ------------------------------------------------------------------ server leg

    @Test
    void requireAndVerifyFullToATlsServer() throws Exception {
        for (String mode : List.of("prefer", "require", "verify-ca", "verify-full")) {
            pgmux = Pgmux.start(yaml(tlsPg, "{ server_mode: %s, ca_file: %s }".formatted(mode, ca.caCert())));
            assertEquals(true, serverLegTls(ssl("disable", null)), mode);
            pgmux.close();
            pgmux = null;
        }
        pgmux = Pgmux.start(yaml(tlsPg, "{ server_mode: disable }"));
        assertEquals(false, serverLegTls(ssl("disable", null)));
    }

    @Test
    void bothLegsAtOnce() throws Exception {
        pgmux = Pgmux.start("admin: { listen: 127.0.0.1:0, users: [admin] }\n"
                + yaml(tlsPg, "{ client_mode: require, cert_file: %s, key_file: %s, server_mode: verify-full, ca_file: %s }"
                .formatted(ca.serverCert(), ca.serverKey(), ca.caCert()))
                .replace("users:\n", "users:\n  - { name: admin, password: tls-admin }\n"));
        assertEquals(true, serverLegTls(ssl("verify-full", ca)));
        // the server sees pgmux's connections (pool and health checks alike) encrypted
        assertEquals("0", tlsPg.queryString("postgres", "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a"
                + " USING (pid) WHERE a.usename = '" + USER + "' AND NOT s.ssl"));
        // pgjdbc's default sslmode (prefer) takes TLS on the admin console, which follows client_mode
        try (AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", "tls-admin")) {
            String serverTls = admin.query("SHOW SERVERS").rows().get(0).get("tls");
            assertTrue(serverTls.startsWith("TLSv1."), "SHOW SERVERS tls: " + serverTls);
            String adminTls = admin.query("SHOW CLIENTS").one("user", "admin").get("tls");
            assertTrue(adminTls.startsWith("TLSv1."), "SHOW CLIENTS tls: " + adminTls);
        }
    }

    @Test
    void verifyFullAgainstTheWrongCaFails() throws Exception {
        pgmux = Pgmux.start(yaml(tlsPg, "{ server_mode: verify-full, ca_file: %s }".formatted(otherCa.caCert())));
        SQLException e = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        String message = PgErrors.serverMessage(e);
        assertTrue(message.startsWith("could not connect to server \"127.0.0.1:" + tlsPg.port()
                + "\": SSL error: certificate verify failed: "), message);
    }

    @Test
    void verifyFullChecksTheAddressVerifyCaDoesNot() throws Exception {
        String yaml = yaml(tlsPg, "{ server_mode: verify-full, ca_file: %s }".formatted(ca.caCert()))
                .replace("@127.0.0.1:", "@127.0.0.2:");
        pgmux = Pgmux.start(yaml);
        SQLException e = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        String message = PgErrors.serverMessage(e);
        assertTrue(message.contains("certificate verify failed") && message.contains("127.0.0.2"), message);
        pgmux.close();
        pgmux = Pgmux.start(yaml.replace("verify-full", "verify-ca"));
        assertEquals(true, serverLegTls(ssl("disable", null)), "verify-ca checks the CA only");
    }

    /**
     * tls.server_cert_file/server_key_file: a server that takes only certificates
     * ({@code hostssl ... cert}) lets pgmux in with a certificate for its user, and refuses it
     * without one.
     */
    @Test
    void pgmuxShowsItsCertificateToAServerThatAsks() throws Exception {
        TestCa.ClientCert mine = ca.clientCertificate(USER);
        try (TestPostgres certPg = TestPostgres.startLocal("tlscert", b -> b.tls(ca.serverCert(), ca.serverKey())
                .tlsClientCa(ca.caCert()).hostAuth("cert")
                .bootstrapSql("CREATE ROLE " + USER + " LOGIN", "CREATE DATABASE " + DB + " OWNER " + USER))) {
            String yaml = yaml(certPg, "{ server_mode: verify-full, ca_file: %s, server_cert_file: %s, server_key_file: %s }"
                    .formatted(ca.caCert(), mine.cert(), mine.key()));
            pgmux = Pgmux.start(yaml);
            try (Connection c = pgmux.connect(DB, USER, USER, ssl("disable", null)); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ssl, client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                assertTrue(rs.next());
                assertEquals(true, rs.getBoolean(1));
                assertEquals("/CN=" + USER, rs.getString(2), "the server saw pgmux's certificate");
            }
            pgmux.close();
            pgmux = Pgmux.start(yaml(certPg, "{ server_mode: verify-full, ca_file: %s }".formatted(ca.caCert())));
            SQLException e = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
            assertTrue(PgErrors.serverMessage(e).contains("certificate"), PgErrors.describe(e));
        }
    }

    /** A backend URL's {@code ?sslmode=} overrides tls.server_mode for that server, as libpq reads it. */
    @Test
    void aUrlsSslmodeOverridesTheServerMode() throws Exception {
        String url = "/" + DB + "\n";
        pgmux = Pgmux.start(yaml(tlsPg, "{ server_mode: disable }").replace(url, "/" + DB + "?sslmode=require\n"));
        assertEquals(true, serverLegTls(ssl("disable", null)), "sslmode=require in the URL, server_mode disable");
        pgmux.close();
        pgmux = Pgmux.start(yaml(tlsPg, "{ server_mode: require }").replace(url, "/" + DB + "?sslmode=disable\n"));
        assertEquals(false, serverLegTls(ssl("disable", null)), "sslmode=disable in the URL, server_mode require");
        pgmux.close();
        pgmux = Pgmux.start(yaml(tlsPg, "{ ca_file: %s }".formatted(otherCa.caCert()))
                .replace(url, "/" + DB + "?sslmode=verify-full\n"));
        SQLException wrongCa = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        assertTrue(PgErrors.serverMessage(wrongCa).contains("certificate verify failed"), PgErrors.describe(wrongCa));
        pgmux.close();
        pgmux = Pgmux.start(yaml(plainPg, "{ server_mode: disable }").replace(url, "/" + DB + "?sslmode=require\n"));
        SQLException plain = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        assertEquals("could not connect to server \"127.0.0.1:" + plainPg.port()
                + "\": server does not support SSL, but SSL was required (sslmode require)", PgErrors.serverMessage(plain));
    }

    @Test
    void requireAgainstAPlainServerFails() throws Exception {
        pgmux = Pgmux.start(yaml(plainPg, "{ server_mode: require }"));
        SQLException e = assertThrows(SQLException.class, () -> serverLegTls(ssl("disable", null)));
        assertEquals("could not connect to server \"127.0.0.1:" + plainPg.port()
                + "\": server does not support SSL, but SSL was required (tls.server_mode require)",
                PgErrors.serverMessage(e));
        pgmux.close();
        pgmux = Pgmux.start(yaml(plainPg, "{ server_mode: prefer }"));
        assertEquals(false, serverLegTls(ssl("disable", null)), "prefer: plain when the server has no TLS");
    }
}
