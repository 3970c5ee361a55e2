package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.TestPostgres;
import io.pgmux.it.support.SharedPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packaged pgmux as an operator runs it: {@code kill -HUP} reloads the configuration file
 * without dropping a connected client, an invalid file sent with SIGHUP is refused and the old
 * configuration stays, and SIGTERM stops it.
 */
class SignalReloadIT {
    private static final String DB = "signal_reload_it";
    private static final String USER = "signal_reload_user";
    static Path jar;
    static TestPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        jar = Path.of(System.getProperty("user.dir")).resolve("../proxy/target/pgmux.jar").normalize();
        assumeTrue(Files.isRegularFile(jar), "proxy/target/pgmux.jar not built (mvn package in proxy/)");
        assumeTrue(Files.isExecutable(Path.of("/bin/kill")) || Files.isExecutable(Path.of("/usr/bin/kill")),
                "no kill command to send signals with");
        pg = SharedPostgres.get();
        pg.createRole(USER, USER);
        pg.createDatabase(DB, USER);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String config(int port, int adminPort, int poolSize) {
        return """
                listen: 127.0.0.1:%d
                admin: { listen: 127.0.0.1:%d, users: [admin] }
                metrics: { listen: off }
                users:
                  - { name: %s, password: %s }
                  - { name: admin, password: signal-admin }
                databases:
                  %s:
                    pool: { mode: transaction, size: %d }
                    primary: postgres://%s:%s@127.0.0.1:%d/%s
                """.formatted(port, adminPort, USER, USER, DB, poolSize, USER, USER, pg.port(), DB);
    }

    private static String poolSize(int adminPort) {
        try (AdminSql admin = AdminSql.connect(adminPort, "admin", "signal-admin")) {
            return admin.query("SHOW CONFIG").one("key", "databases." + DB + ".pool.size").get("value");
        } catch (SQLException e) {
            return "admin console: " + e.getMessage();
        }
    }

    private static void signal(Process p, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    @Test
    void sighupReloadsTheFileKeepingClientsAndRefusesAnInvalidOne() throws Exception {
        int port = freePort();
        int adminPort = freePort();
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, config(port, adminPort, 3));
        Path log = dir.resolve("pgmux.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Eventually.await(Duration.ofSeconds(60), "pgmux answering on its admin console", () -> poolSize(adminPort),
                    "3"::equals);
            try (Connection client = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DB,
                    Jdbc.props("user", USER, "password", USER))) {
                assertEquals("1", Jdbc.one(client, "SELECT 1"));

                Files.writeString(file, config(port, adminPort, 7));
                signal(p, "HUP");
                Eventually.await(Duration.ofSeconds(30), "the reloaded pool size", () -> poolSize(adminPort), "7"::equals);
                assertEquals("2", Jdbc.one(client, "SELECT 2"), "the client connected before the reload goes on");

                Files.writeString(file, "databases: { broken: { pool: { size: 0 } } }\n");
                signal(p, "HUP");
                Eventually.await(Duration.ofSeconds(30), "the refusal logged",
                        () -> logText(log), t -> t.contains("RELOAD refused"));
                assertEquals("7", poolSize(adminPort), "the configuration in force stays");
                assertEquals("3", Jdbc.one(client, "SELECT 3"));
                assertTrue(p.isAlive(), "a bad file does not stop pgmux");
            }
            signal(p, "TERM");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "pgmux stops on SIGTERM");
            // 143 = 128 + SIGTERM: the JVM's status after running its shutdown hooks on the signal
            assertTrue(p.exitValue() == 0 || p.exitValue() == 143, "exit " + p.exitValue() + "\n" + logText(log));
            String text = logText(log);
            for (String line : List.of("SIGHUP: reloading the configuration", "configuration reloaded from")) {
                assertTrue(text.contains(line), "log has \"" + line + "\":\n" + text);
            }
        } finally {
            p.destroyForcibly();
        }
    }

    private static String logText(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
