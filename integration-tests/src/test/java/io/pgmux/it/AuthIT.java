package io.pgmux.it;

import io.pgmux.demo.LocalPostgres;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.RawPg;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves client and server authentication through real clients.
 *
 * <p>Client side (pgjdbc into pgmux): every configured method (SCRAM-SHA-256 by default, md5,
 * cleartext {@code password}, trust) with every form of stored secret (plain text, a
 * SCRAM-SHA-256 verifier and an md5 hash, both produced by the real server's {@code pg_authid}).
 * A raw socket checks that pgmux really asks for the configured method (an md5 user with a SCRAM
 * verifier is asked for SCRAM, as PostgreSQL does). Wrong passwords and unknown users get 28P01
 * with PostgreSQL's exact wording; an unknown database gets 3D000.
 *
 * <p>Server side (pgmux into PostgreSQL): dedicated servers whose {@code pg_hba.conf} demands
 * scram-sha-256, md5, password or trust; the server's own connection log shows which method was
 * used, and a wrong server password is refused by the server.
 */
class AuthIT {
    private static final String DB = "auth_it";
    private static final String OWNER = "auth_owner";

    /** One configured pgmux user: how its secret is stored, how it must log in, what pgmux asks for. */
    record Account(String name, String password, String storedAs, String auth, int expectedAuthRequest) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Account> ACCOUNTS = List.of(
            new Account("scram_plain", "pw scram_plain é", "plain", null, 10),
            new Account("scram_verifier", "pw scram_verifier é", "scram", null, 10),
            new Account("md5_plain", "pw md5_plain é", "plain", "md5", 5),
            new Account("md5_hash", "pw md5_hash é", "md5", "md5", 5),
            // PostgreSQL uses SCRAM for an md5 pg_hba entry when the stored secret is a SCRAM verifier
            new Account("md5_verifier", "pw md5_verifier é", "scram", "md5", 10),
            new Account("clear_plain", "pw clear_plain é", "plain", "password", 3),
            new Account("clear_md5", "pw clear_md5 é", "md5", "password", 3),
            new Account("clear_verifier", "pw clear_verifier é", "scram", "password", 3),
            new Account("trusted", null, "none", "trust", 0));

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, OWNER);
        StringBuilder users = new StringBuilder("users:\n");
        for (Account a : ACCOUNTS) {
            users.append("  - { name: ").append(a.name());
            String secret = switch (a.storedAs()) {
                case "plain" -> a.password();
                case "scram" -> secretFromServer(a.name(), a.password(), "scram-sha-256");
                case "md5" -> secretFromServer(a.name(), a.password(), "md5");
                default -> null;
            };
            if (secret != null) {
                users.append(", password: \"").append(secret).append('"');
            }
            if (a.auth() != null) {
                users.append(", auth: ").append(a.auth());
            }
            users.append(" }\n");
        }
        pgmux = Pgmux.start(users + """
                databases:
                  %s:
                    pool: { mode: transaction, size: 2 }
                    primary: postgres://%s:%s@127.0.0.1:%d/%s
                """.formatted(DB, OWNER, OWNER, pg.port(), DB));
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    /**
     * The secret PostgreSQL itself stores for {@code password} under {@code encryption}: a throwaway
     * role of the same name (the md5 hash is salted with the user name) created and dropped.
     */
    static String secretFromServer(String role, String password, String encryption) {
        pg.sql("postgres",
                "SET password_encryption = '" + encryption + "'",
                "DROP ROLE IF EXISTS " + role,
                "CREATE ROLE " + role + " PASSWORD '" + password.replace("'", "''") + "'");
        String secret = pg.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = '" + role + "'");
        pg.sql("postgres", "DROP ROLE " + role);
        assertTrue(secret.startsWith(encryption.equals("md5") ? "md5" : "SCRAM-SHA-256$"), secret);
        return secret;
    }

    static Stream<Account> accounts() {
        return ACCOUNTS.stream();
    }

    static Stream<Account> accountsWithPassword() {
        return ACCOUNTS.stream().filter(a -> a.password() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accounts")
    void logsInThroughPgjdbc(Account a) throws SQLException {
        try (Connection c = pgmux.connect(DB, a.name(), a.password() == null ? "" : a.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_user, current_database()")) {
            assertTrue(rs.next());
            // the URL names the server user, so every client runs as it
            assertEquals(OWNER, rs.getString(1));
            assertEquals(DB, rs.getString(2));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accounts")
    void asksForTheConfiguredMethod(Account a) throws IOException {
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", a.name(), "database", DB)));
            RawPg.Message m = c.readMessage();
            assertNotNull(m);
            assertEquals('R', m.type(), () -> RawPg.describe(List.of(m)));
            assertEquals(a.expectedAuthRequest(), m.authCode(),
                    "authentication request code (0 ok, 3 cleartext, 5 md5, 10 SASL)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accountsWithPassword")
    void wrongPasswordIsRefused(Account a) {
        SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(DB, a.name(), a.password() + "x").close());
        assertEquals("28P01", e.getSQLState(), () -> PgErrors.describe(e));
        assertEquals("password authentication failed for user \"" + a.name() + "\"", PgErrors.serverMessage(e));
        assertEquals("FATAL", PgErrors.severity(e));
    }

    @Test
    void unknownUserIsRefusedLikeAWrongPassword() throws IOException {
        SQLException e = assertThrows(SQLException.class, () -> pgmux.connect(DB, "no_such_user", "whatever").close());
        assertEquals("28P01", e.getSQLState(), () -> PgErrors.describe(e));
        assertEquals("password authentication failed for user \"no_such_user\"", PgErrors.serverMessage(e));
        // and the exchange offered is the default one, so user names cannot be probed
        try (RawPg c = RawPg.connect(pgmux.port())) {
            c.send(RawPg.startupPacket(RawPg.PROTOCOL_3_0, Map.of("user", "no_such_user", "database", DB)));
            assertEquals(10, c.readMessage().authCode());
        }
    }

    @Test
    void unknownDatabaseIsRefused() {
        Account a = ACCOUNTS.get(0);
        SQLException e = assertThrows(SQLException.class, () -> pgmux.connect("no_such_db", a.name(), a.password()).close());
        assertEquals("3D000", e.getSQLState(), () -> PgErrors.describe(e));
        assertEquals("database \"no_such_db\" does not exist", PgErrors.serverMessage(e));
    }

    @Test
    void wrongPasswordForUnknownDatabaseIsStillAPasswordFailure() {
        // authentication comes first, as in PostgreSQL: a bad password reveals nothing about databases
        SQLException e = assertThrows(SQLException.class, () -> pgmux.connect("no_such_db", "scram_plain", "wrong").close());
        assertEquals("28P01", e.getSQLState(), () -> PgErrors.describe(e));
    }

    // ------------------------------------------------------------------ pgmux -> server

    @ParameterizedTest(name = "server hostAuth {0}")
    @ValueSource(strings = {"scram-sha-256", "md5", "password", "trust"})
    void logsInToServerWithEachMethod(String method) throws SQLException {
        String encryption = method.equals("md5") ? "md5" : "scram-sha-256";
        try (TestPostgres server = TestPostgres.startLocal("auth-" + method.replace("-", ""), b -> b
                .hostAuth(method)
                .passwordEncryption(encryption)
                .setting("log_connections", "on"))) {
            server.sql("postgres", "SET password_encryption = '" + encryption + "'",
                    "CREATE ROLE srv_user LOGIN PASSWORD 'srv secret'",
                    "CREATE DATABASE srv OWNER srv_user");
            String stored = server.queryString("postgres", "SELECT rolpassword FROM pg_authid WHERE rolname = 'srv_user'");
            assertTrue(stored.startsWith(method.equals("md5") ? "md5" : "SCRAM-SHA-256$"),
                    "the server stores what makes it use " + method);
            LocalPostgres local = server.local().orElseThrow();

            try (Pgmux proxy = serverPgmux(server, "srv%20secret");
                 Connection c = proxy.connect("srv", "app", "app");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_user, current_database()")) {
                assertTrue(rs.next());
                assertEquals("srv_user", rs.getString(1));
                assertEquals("srv", rs.getString(2));
            }
            String log = local.logTail(400);
            assertTrue(log.contains("connection authorized: user=srv_user database=srv"), log);
            if (method.equals("trust")) {
                assertFalse(log.contains("identity=\"srv_user\""), "trust logs no authenticated identity");
            } else {
                // PostgreSQL logs the method it actually ran for the login
                assertTrue(log.contains("connection authenticated: identity=\"srv_user\" method=" + method), log);

                // and the method is real: a wrong server password is refused by the server
                try (Pgmux proxy = serverPgmux(server, "not%20it")) {
                    SQLException e = assertThrows(SQLException.class, () -> proxy.connect("srv", "app", "app").close());
                    assertEquals("28P01", e.getSQLState(), () -> PgErrors.describe(e));
                    assertTrue(PgErrors.serverMessage(e).contains("srv_user"), () -> PgErrors.describe(e));
                }
            }
        }
    }

    private static Pgmux serverPgmux(TestPostgres server, String encodedPassword) {
        return Pgmux.start("""
                users:
                  - { name: app, password: app }
                databases:
                  srv:
                    pool: { mode: transaction, size: 1 }
                    primary: postgres://srv_user:%s@127.0.0.1:%d/srv
                """.formatted(encodedPassword, server.port()));
    }
}
