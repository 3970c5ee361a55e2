package io.pgmux.it;

import io.pgmux.demo.TestCa;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.Subprocess;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * Client certificates ({@code tls.client_mode: verify-ca}, {@code tls.client_ca_file}) and
 * {@code auth: cert}, through pgjdbc and psql, with certificates made in the test by openssl: a
 * client without a certificate, with one from another CA, with one for another name, and password
 * users beside certificate users.
 */
class ClientCertIT {
    private static final String DB = "cert_it";
    private static final String USER = "cert_it_owner";
    /** A user that logs in with its certificate alone. */
    private static final String CERT_USER = "batch";

    @TempDir
    static Path dir;
    static TestCa ca;
    static TestCa otherCa;
    static TestCa.ClientCert ownerCert;
    static TestCa.ClientCert batchCert;
    static TestCa.ClientCert strangerCert;
    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestCa.available(), "no openssl command");
        ca = TestCa.create(dir.resolve("ca"), "pgmux test CA");
        otherCa = TestCa.create(dir.resolve("other"), "some other CA");
        ownerCert = ca.clientCertificate(USER);
        batchCert = ca.clientCertificate(CERT_USER);
        strangerCert = otherCa.clientCertificate(CERT_USER);
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = Pgmux.start("""
                tls: { client_mode: verify-ca, cert_file: %s, key_file: %s, client_ca_file: %s }
                users:
                  - { name: %s, password: %s }
                  - { name: %s, auth: cert }
                databases:
                  %s:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://%s:%s@127.0.0.1:%d/%s
                """.formatted(ca.serverCert(), ca.serverKey(), ca.caCert(), USER, USER, CERT_USER, DB, USER, USER,
                pg.port(), DB));
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    /** pgjdbc properties: verify-full against the test CA, and the client certificate {@code cert} if not null. */
    private static Properties props(String user, String password, TestCa.ClientCert cert) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", ca.caCert().toString());
        if (cert != null) { // else pgjdbc looks in ~/.postgresql, where these machines have nothing
            p.setProperty("sslcert", cert.cert().toString());
            p.setProperty("sslkey", cert.pk8().toString());
        }
        return p;
    }

    private static String whoAmI(Properties props) throws SQLException {
        try (Connection c = DriverManager.getConnection(pgmux.jdbcUrl(DB), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user || ' ' || count(*) FROM pg_class WHERE relname = 'pg_class'")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void aPasswordUserNeedsACertificateAndItsPassword() throws Exception {
        assertEquals(USER + " 1", whoAmI(props(USER, USER, ownerCert)));
        // any certificate of the CA will do for a password user: verify-ca does not check the name
        assertEquals(USER + " 1", whoAmI(props(USER, USER, batchCert)));
        SQLException wrongPassword = assertThrows(SQLException.class, () -> whoAmI(props(USER, "nope", ownerCert)));
        assertEquals("28P01", wrongPassword.getSQLState(), PgErrors.describe(wrongPassword));
    }

    @Test
    void noCertificateIsRefusedAtTheStartupPacket() {
        SQLException e = assertThrows(SQLException.class, () -> whoAmI(props(USER, USER, null)));
        assertEquals("28000", e.getSQLState(), PgErrors.describe(e));
        assertEquals("connection requires a valid client certificate", PgErrors.serverMessage(e));
    }

    /**
     * pgjdbc offers only a certificate of a CA the server names in its request (the handshake's
     * certificate_authorities, from client_ca_file), so it shows none and gets the startup refusal;
     * libpq shows it anyway, and the handshake fails.
     */
    @Test
    void aCertificateFromAnotherCaIsNotTaken() throws Exception {
        SQLException e = assertThrows(SQLException.class, () -> whoAmI(props(CERT_USER, null, strangerCert)));
        assertEquals("28000", e.getSQLState(), PgErrors.describe(e));
        assertEquals("connection requires a valid client certificate", PgErrors.serverMessage(e));
        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        Subprocess.Result r = psql(psql, CERT_USER, strangerCert, "select 1");
        assertEquals(2, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("SSL"), r.describe());
        assertTrue(!r.stderr().contains("certificate authentication failed"), "refused by the handshake: " + r.describe());
    }

    @Test
    void plainClientsAreRefused() {
        Properties plain = props(USER, USER, ownerCert);
        plain.setProperty("sslmode", "disable");
        SQLException e = assertThrows(SQLException.class, () -> whoAmI(plain));
        assertEquals("28000", e.getSQLState(), PgErrors.describe(e));
        assertEquals("SSL required", PgErrors.serverMessage(e));
    }

    @Test
    void aCertUserLogsInWithItsCertificateAlone() throws Exception {
        // no password given or asked; the server login is the URL's user
        assertEquals(USER + " 1", whoAmI(props(CERT_USER, null, batchCert)));
        SQLException otherName = assertThrows(SQLException.class, () -> whoAmI(props(CERT_USER, null, ownerCert)));
        assertEquals("28000", otherName.getSQLState(), PgErrors.describe(otherName));
        assertEquals("certificate authentication failed for user \"" + CERT_USER + "\"", PgErrors.serverMessage(otherName));
        SQLException none = assertThrows(SQLException.class, () -> whoAmI(props(CERT_USER, "anything", null)));
        assertEquals("connection requires a valid client certificate", PgErrors.serverMessage(none));
    }

    /** libpq reads PEM keys and sends its certificate its own way: the same through psql. */
    @Test
    void psqlWithACertificate() throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        assumeTrue(Files.isExecutable(psql), "psql is not installed");
        Subprocess.Result ok = psql(psql, CERT_USER, batchCert, "select 41 + 1");
        assertEquals(0, ok.exitCode(), ok.describe());
        assertEquals("42", ok.stdout().strip());
        Subprocess.Result wrong = psql(psql, CERT_USER, ownerCert, "select 1");
        assertEquals(2, wrong.exitCode(), wrong.describe());
        assertTrue(wrong.stderr().contains("certificate authentication failed for user \"" + CERT_USER + "\""),
                wrong.describe());
    }

    /** psql as {@code user} with {@code cert}, verify-full against the test CA, never asking for a password. */
    private static Subprocess.Result psql(Path psql, String user, TestCa.ClientCert cert, String sql) {
        String conninfo = "host=127.0.0.1 port=%d dbname=%s user=%s sslmode=verify-full sslrootcert=%s sslcert=%s sslkey=%s"
                .formatted(pgmux.port(), DB, user, ca.caCert(), cert.cert(), cert.key());
        return Subprocess.run(List.of(psql.toString(), "-X", "-At", "-w", "-d", conninfo, "-c", sql), null, Map.of(),
                Duration.ofSeconds(60));
    }
}
