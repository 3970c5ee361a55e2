package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.LogCapture;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RELOAD on the admin console: pgmux started from a file reads it again and applies pool sizes,
 * users, limits and logging at once; an invalid file is refused with every problem and the
 * configuration in force stays; listen addresses only change at a restart (a NOTICE says so).
 */
class AdminReloadIT {
    private static final String DB = "admin_reload_it";
    private static final String USER = "admin_reload_user";

    static TestPostgres pg;
    @TempDir
    Path dir;
    Pgmux pgmux;

    @BeforeAll
    static void database() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
    }

    @AfterEach
    void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    private String config(int poolSize, String extraUser, String listen) {
        return """
                listen: %6$s
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                log: { queries: false }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: reload-admin }
                %7$s
                databases:
                  %2$s:
                    pool: { mode: transaction, size: %4$d }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), poolSize, extraUser, listen,
                extraUser.isEmpty() ? "" : "  - { name: " + extraUser + ", password: " + extraUser + " }");
    }

    @Test
    void reloadAppliesTheFileAndRefusesAnInvalidOne() throws Exception {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, config(3, "", "127.0.0.1:0"));
        pgmux = Pgmux.startFile(file);
        try (AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", "reload-admin");
             LogCapture log = LogCapture.of("io.pgmux", Level.INFO)) {
            try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            pg.createRole("reload_extra", "reload_extra");
            pg.sql(DB, "GRANT CONNECT ON DATABASE " + DB + " TO reload_extra");
            assertEquals("28P01", assertThrows(SQLException.class,
                    () -> pgmux.connect(DB, "reload_extra", "reload_extra")).getSQLState(), "not a user yet");

            Files.writeString(file, config(5, "reload_extra", "127.0.0.1:0").replace("queries: false", "queries: true"));
            assertEquals(List.of(), admin.execute("RELOAD"));
            assertEquals(1, log.startingWith("configuration reloaded from " + file + ": 1 databases, 3 users").size(),
                    log.records().toString());
            assertEquals(1, log.startingWith("admin admin@/127.0.0.1:").stream()
                    .filter(r -> r.getMessage().endsWith(": RELOAD")).count(), "the command, with who ran it");
            AdminSql.Result cfg = admin.query("SHOW CONFIG");
            assertEquals("5", cfg.one("key", "databases." + DB + ".pool.size").get("value"));
            assertEquals("true", cfg.one("key", "log.queries").get("value"));
            assertEquals(5, pgmux.server().pools().iterator().next().settings().size(), "the live pool took it");
            try (Connection c = pgmux.connect(DB, "reload_extra", "reload_extra"); Statement st = c.createStatement()) {
                st.execute("SELECT 1"); // the new user logs in (the URL's user serves it)
            }

            Files.writeString(file, "databases:\n  broken: { pool: { size: 0 }, primary: postgres://h }\nworkers: x\n");
            SQLException e = assertThrows(SQLException.class, () -> admin.execute("RELOAD"));
            assertEquals("F0000", e.getSQLState());
            assertTrue(e.getMessage().contains("workers"), "the problems are listed: " + e.getMessage());
            List<java.util.logging.LogRecord> refused = log.startingWith("RELOAD refused, the configuration in force is unchanged");
            assertEquals(1, refused.size(), log.records().toString());
            assertEquals(Level.WARNING, refused.get(0).getLevel());
            assertEquals("5", admin.query("SHOW CONFIG").one("key", "databases." + DB + ".pool.size").get("value"),
                    "the configuration in force is unchanged");

            Files.writeString(file, config(5, "reload_extra", "127.0.0.1:1"));
            List<String> notices = admin.execute("RELOAD");
            assertEquals(1, notices.size(), notices.toString());
            assertTrue(notices.get(0).contains("listen") && notices.get(0).contains("restart"), notices.toString());
            assertEquals("127.0.0.1:0", admin.query("SHOW CONFIG").one("key", "listen").get("value"));
        }
    }

    @Test
    void reloadWithoutAFileIsRefused() throws Exception {
        pgmux = Pgmux.start(config(3, "", "127.0.0.1:0"));
        try (AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", "reload-admin")) {
            assertEquals("55000", assertThrows(SQLException.class, () -> admin.execute("RELOAD")).getSQLState());
        }
    }
}
