package io.pgmux.it;

import io.pgmux.it.support.AdminSql;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The {@code hba:} allow list over real sockets from 127.0.0.1: a matching reject refuses the login
 * with 28000 before any password is asked, a login no rule matches is refused, an allow lets it
 * through, and RELOAD applies a changed list to the next logins.
 */
class HbaIT {
    private static final String DB = "hba_it";
    private static final String USER = "hba_user";

    static TestPostgres pg;
    @TempDir
    Path dir;

    @BeforeAll
    static void database() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
    }

    private String config(String hba) {
        return """
                admin: { listen: 127.0.0.1:0, users: [admin] }
                metrics: { listen: off }
                users:
                  - { name: %1$s, password: %1$s }
                  - { name: admin, password: hba-admin }
                hba:
                %4$s
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), hba);
    }

    @Test
    void rulesByAddressUserAndDatabaseAndReload() throws Exception {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, config("""
                  - { user: admin, address: 127.0.0.0/8, action: allow }
                  - { user: %s, address: 10.0.0.0/8, action: allow }
                  - { user: %s, address: "::1/128", action: allow }
                """.formatted(USER, USER)));
        try (Pgmux pgmux = Pgmux.startFile(file);
             AdminSql admin = AdminSql.connect(pgmux.adminPort(), "admin", "hba-admin")) {
            SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(DB, USER, USER).close());
            assertEquals("28000", e.getSQLState(), () -> PgErrors.describe(e));
            assertEquals("no pgmux.yaml hba entry for host \"127.0.0.1\", user \"" + USER + "\", database \""
                    + DB + "\"", PgErrors.serverMessage(e));

            Files.writeString(file, config("""
                  - { user: admin, action: allow }
                  - { user: %s, database: %s, address: 127.0.0.1/32, action: allow }
                  - { action: reject }
                """.formatted(USER, DB)));
            assertEquals(List.of(), admin.execute("RELOAD"));
            try (Connection c = pgmux.connect(DB, USER, USER); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            SQLException other = assertThrows(SQLException.class, () -> pgmux.connect("postgres", USER, USER).close());
            assertEquals("28000", other.getSQLState(), "another database: the reject rule matches");
        }
    }
}
