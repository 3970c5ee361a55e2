package io.pgmux.it;

import io.pgmux.demo.TestCa;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.Subprocess;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code unix_socket_dir}: psql and pgbench (libpq, {@code host=<dir>}) through pgmux's
 * Unix-domain socket, against real PostgreSQL; the socket file's life (made at start, a stale one
 * replaced, a live one left alone, removed at shutdown); hba and TLS for socket clients.
 */
class UnixSocketIT {
    private static final String DB = "unix_it";
    private static final String USER = "unix_user";
    private static final Path PSQL = Path.of("/usr/bin/psql");

    @TempDir
    Path dir;
    static TestPostgres pg;
    Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "DROP TABLE IF EXISTS counter", "CREATE TABLE counter (n bigint NOT NULL)",
                "INSERT INTO counter VALUES (0)", "ALTER TABLE counter OWNER TO " + USER);
    }

    @AfterEach
    void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    private PgmuxSetup setup() {
        return PgmuxSetup.of(pg, DB, USER).top("unix_socket_dir: " + dir);
    }

    private Path socket() {
        return dir.resolve(".s.PGSQL." + pgmux.port());
    }

    /** Runs a libpq program with {@code args} against pgmux over the socket (or TCP when {@code tcp}). */
    private Subprocess.Result libpq(boolean tcp, String program, String... args) {
        List<String> cmd = new ArrayList<>(List.of(program, "-h", tcp ? "127.0.0.1" : dir.toString(),
                "-p", Integer.toString(pgmux.port()), "-U", USER));
        cmd.addAll(List.of(args));
        return Subprocess.run(cmd, null, Map.of("PGPASSWORD", USER, "PGSSLMODE", "disable"), Duration.ofSeconds(120));
    }

    @Test
    void psqlAndPgbenchOverTheSocket() throws Exception {
        assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        pgmux = setup().pool("{ mode: transaction, size: 3 }").start();
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
        Subprocess.Result r = libpq(false, PSQL.toString(), "-X", "-At", "-d", DB, "-c",
                "select 40 + 2, inet_client_addr() is not null");
        assertEquals(0, r.exitCode(), r.describe());
        assertEquals("42|t", r.stdout().strip(), "served by PostgreSQL over pgmux's TCP connection");

        Path pgbench = Path.of("/usr/bin/pgbench");
        assumeTrue(Files.isExecutable(pgbench), "pgbench is not installed");
        long before = Long.parseLong(pg.queryString(DB, "SELECT n FROM counter"));
        Path script = Files.writeString(dir.resolve("inc.sql"), "UPDATE counter SET n = n + 1;\n");
        Subprocess.Result bench = libpq(false, pgbench.toString(), "-n", "-c", "16", "-j", "2", "-t", "50",
                "-f", script.toString(), DB);
        assertEquals(0, bench.exitCode(), bench.describe());
        assertTrue(bench.stdout().contains("number of failed transactions: 0"), bench.describe());
        assertEquals(before + 16 * 50, Long.parseLong(pg.queryString(DB, "SELECT n FROM counter")),
                "16 clients x 50 increments over the socket, on a pool of 3");
    }

    @Test
    void theSocketFileLivesAsLongAsPgmux() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // a fixed listen port, so the socket's name is known before pgmux starts
        }
        Path stale = dir.resolve(".s.PGSQL." + port);
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(stale)); // closed below without removing its file, as a killed server's
        }
        assertTrue(Files.exists(stale));
        String yaml = setup().yaml().replace("unix_socket_dir:", "listen: 127.0.0.1:" + port + "\nunix_socket_dir:");
        pgmux = Pgmux.start(yaml);
        assertTrue(Files.exists(stale), "the stale file was replaced by pgmux's socket");
        assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        assertEquals(0, libpq(false, PSQL.toString(), "-X", "-At", "-d", DB, "-c", "select 1").exitCode());

        IllegalStateException taken = assertThrows(IllegalStateException.class, () -> Pgmux.start(yaml
                .replace("listen: 127.0.0.1:" + port, "listen: 127.0.0.2:" + port)));
        assertTrue(taken.getMessage().contains("cannot listen on " + stale + " (unix_socket_dir): address already in use"),
                taken.getMessage());
        assertTrue(Files.exists(stale), "a socket a running server answers on is left alone");

        pgmux.close();
        pgmux = null;
        assertFalse(Files.exists(stale), "removed at shutdown");
    }

    /**
     * A backend URL whose host is a directory: pgmux reaches PostgreSQL over its Unix-domain socket
     * (no TLS there, as libpq), for sessions, health checks and cancel requests alike.
     */
    @Test
    void aServerOnItsUnixSocket() throws Exception {
        try (TestPostgres local = TestPostgres.startLocal("unixbackend", b -> { })) {
            local.createDatabase(DB, USER);
            Path socketDir = local.local().orElseThrow().socketDir();
            String yaml = PgmuxSetup.of(local, DB, USER).yaml().replace("@127.0.0.1:" + local.port() + "/" + DB,
                    "@:" + local.port() + "/" + DB + "?host=" + socketDir + "&sslmode=require");
            pgmux = Pgmux.start(yaml);
            cancelOverTheSocket();
        }
    }

    private void cancelOverTheSocket() throws Exception {
        try (java.sql.Connection c = pgmux.connect(DB, USER, USER); java.sql.Statement st = c.createStatement()) {
            java.sql.ResultSet rs = st.executeQuery("SELECT inet_client_addr() IS NULL, "
                    + "(SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())");
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "PostgreSQL sees a Unix-domain socket client");
            assertFalse(rs.getBoolean(2), "no TLS on a socket, whatever sslmode says");
            long start = System.nanoTime();
            java.util.concurrent.CompletableFuture<Void> cancel = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(500);
                    st.cancel(); // CancelRequest to pgmux, which forwards it over the socket
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            java.sql.SQLException canceled = assertThrows(java.sql.SQLException.class, () -> st.execute("SELECT pg_sleep(30)"));
            cancel.get();
            assertEquals("57014", canceled.getSQLState());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "canceled, not run to its end");
        }
    }

    /** hba: a socket client has no IP address, so only address-all rules match it; PostgreSQL's [local] in the refusal. */
    @Test
    void socketClientsMatchOnlyAddressAllRules() {
        assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        pgmux = setup().top("hba: [ { address: 127.0.0.1/32, action: allow } ]").start();
        Subprocess.Result local = libpq(false, PSQL.toString(), "-X", "-At", "-d", DB, "-c", "select 1");
        assertEquals(2, local.exitCode(), local.describe());
        assertTrue(local.stderr().contains("no pgmux.yaml hba entry for host \"[local]\", user \"" + USER + "\""),
                local.describe());
        assertEquals(0, libpq(true, PSQL.toString(), "-X", "-At", "-d", DB, "-c", "select 1").exitCode(),
                "TCP from 127.0.0.1 is allowed");
    }

    /** tls.client_mode require guards the network: the local socket is exempt, as in PgBouncer. */
    @Test
    void socketClientsAreExemptFromTlsRequire() throws Exception {
        assumeTrue(Files.isExecutable(PSQL) && TestCa.available(), "psql or openssl is not installed");
        TestCa ca = TestCa.create(dir.resolve("ca"), "pgmux test CA");
        pgmux = setup().top("tls: { client_mode: require, cert_file: %s, key_file: %s }".formatted(ca.serverCert(),
                ca.serverKey())).start();
        Subprocess.Result local = libpq(false, PSQL.toString(), "-X", "-At", "-d", DB, "-c", "select 'local'");
        assertEquals(0, local.exitCode(), local.describe());
        assertEquals("local", local.stdout().strip());
        Subprocess.Result plainTcp = libpq(true, PSQL.toString(), "-X", "-At", "-d", DB, "-c", "select 1");
        assertEquals(2, plainTcp.exitCode(), plainTcp.describe());
        assertTrue(plainTcp.stderr().contains("SSL required"), plainTcp.describe());
    }
}
