package io.pgmux.it;

import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgErrors;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.pgmux.it.support.Jdbc.backendPid;
import static io.pgmux.it.support.Jdbc.one;
import static io.pgmux.it.support.Jdbc.oneLong;
import static io.pgmux.it.support.Jdbc.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Session state in transaction mode. A statement whose effect outlives its transaction (SET of an
 * untracked setting, LISTEN, a session advisory lock, a temporary table) would be lost, or worse
 * leak to another client, if the client moved to another server connection; with
 * {@code on_session_state: pin} (the default) pgmux keeps such a client on its connection until the
 * state is gone or the client leaves, with {@code error} it refuses the statement, with
 * {@code ignore} it does nothing.
 *
 * <p>Proves: a pinned client always gets the same backend and sees its setting, while other clients
 * never do; notifications reach a listener; an advisory lock pins until
 * {@code pg_advisory_unlock_all()}, after which the connection serves others; a temporary table
 * stays visible; SQL PREPARE and cursors WITH HOLD pin until DEALLOCATE ALL / CLOSE ALL; the
 * parameters pgmux tracks and replays (TimeZone, application_name) do not pin; pgjdbc's
 * setReadOnly works without pinning;
 * a pinned client's state does not survive it; {@code error} and {@code ignore} do what they say.
 */
class SessionPinningIT {
    private static final String DB = "pinning_it";
    private static final String USER = "pinning_app";

    static TestPostgres pg;
    /** Default policy (pin), two server connections: a pinned client leaves one for the others. */
    static Pgmux pin2;
    /**
     * Default policy, ONE server connection and one event loop: a pinned client holds the only
     * connection, so another client can run only once the pin is gone.
     */
    static Pgmux pin1;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE shared_rows(id int PRIMARY KEY)", "ALTER TABLE shared_rows OWNER TO " + USER);
        pin2 = start(null, 2, "30s");
        pin1 = start(null, 1, "10s");
    }

    @AfterAll
    static void stop() {
        pin2.close();
        pin1.close();
    }

    /**
     * pgmux with {@code size} server connections; with one, also one event loop, so the connection
     * is never moved between loops (closed and reopened) and "another client can run" means exactly
     * "the connection was given back".
     */
    private static Pgmux start(String policy, int size, String queryWait) {
        return Pgmux.start("""
                workers: %5$d
                limits: { query_wait_timeout: %6$s }
                users:
                  - { name: %1$s, password: %1$s }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: %4$d }%7$s
                    primary: postgres://%1$s:%1$s@127.0.0.1:%3$d/%2$s
                """.formatted(USER, DB, pg.port(), size, size == 1 ? 1 : 2, queryWait,
                policy == null ? "" : "\n    on_session_state: " + policy));
    }

    // ------------------------------------------------------------------ SET pins

    /**
     * SET work_mem outside a transaction pins the client: over 30 later transactions it always has
     * the same backend and sees 7MB, while other clients (several, so they land on every event
     * loop) never get that backend nor see 7MB. Through pgjdbc's extended protocol and as a simple
     * Query.
     */
    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"extended", "simple"})
    void setOfAnUntrackedSettingPinsTheClient(String queryMode) throws Exception {
        List<Connection> others = new ArrayList<>();
        try (Connection a = pin2.connect(DB, USER, USER, props("preferQueryMode", queryMode))) {
            for (int i = 0; i < 4; i++) {
                others.add(pin2.connect(DB, USER, USER, props()));
            }
            try (Statement st = a.createStatement()) {
                st.execute("SET work_mem = '7MB'");
            }
            int pinned = backendPid(a);
            for (int round = 0; round < 30; round++) {
                a.setAutoCommit(round % 2 == 0); // alternately autocommit statements and explicit transactions
                assertEquals(pinned + "|7MB", one(a, "SELECT pg_backend_pid() || '|' || current_setting('work_mem')"),
                        "round " + round);
                if (!a.getAutoCommit()) {
                    a.commit();
                }
                Connection other = others.get(round % others.size());
                String seen = one(other, "SELECT pg_backend_pid() || '|' || current_setting('work_mem')");
                assertNotEquals(pinned + "|7MB", seen);
                assertFalse(seen.startsWith(pinned + "|"), "another client got the pinned backend: " + seen);
                assertFalse(seen.endsWith("|7MB"), "another client saw the pinned client's setting: " + seen);
            }
        } finally {
            for (Connection c : others) {
                c.close();
            }
        }
    }

    /**
     * The pinned client leaves: its connection is reset (DISCARD ALL) before anyone else gets it, so
     * the next client on the only server connection sees the default work_mem. And DISCARD ALL by
     * the client itself ends the pin: another client can then run while it stays connected.
     */
    @Test
    void aPinnedClientsStateEndsWithItAndWithDiscardAll() throws Exception {
        String defaultWorkMem = pg.queryString(DB, "SHOW work_mem");
        try (Connection a = pin1.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            st.execute("SET work_mem = '7MB'");
            assertEquals("7MB", one(a, "SHOW work_mem"));
        }
        try (Connection b = pin1.connect(DB, USER, USER, props())) {
            assertEquals(defaultWorkMem, one(b, "SHOW work_mem"), "the pinned client's setting leaked");
        }
        try (Connection a = pin1.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            st.execute("SET work_mem = '7MB'");
            st.execute("DISCARD ALL");
            try (Connection b = pin1.connect(DB, USER, USER, props())) { // would wait for the pinned connection
                assertEquals(defaultWorkMem, one(b, "SHOW work_mem"));
            }
            assertEquals(defaultWorkMem, one(a, "SHOW work_mem"));
        }
    }

    // ------------------------------------------------------------------ LISTEN / NOTIFY

    /** LISTEN pins the listener; notifications sent by another client through pgmux reach it. */
    @Test
    void listenReceivesNotificationsFromAnotherClient() throws Exception {
        try (Connection a = pin2.connect(DB, USER, USER, props()); Connection b = pin2.connect(DB, USER, USER, props())) {
            try (Statement st = a.createStatement()) {
                st.execute("LISTEN pinning_channel");
            }
            int listener = backendPid(a);
            for (int i = 1; i <= 5; i++) {
                try (Statement st = b.createStatement()) {
                    st.execute("NOTIFY pinning_channel, 'message " + i + "'");
                }
            }
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() < 5 && System.nanoTime() < deadline) {
                PGNotification[] got = a.unwrap(PGConnection.class).getNotifications(500);
                if (got != null) {
                    for (PGNotification n : got) {
                        assertEquals("pinning_channel", n.getName());
                        // sent from the other client's backend: the listener's is pinned to it alone
                        assertNotEquals(listener, n.getPID());
                        received.add(n.getParameter());
                    }
                }
            }
            assertEquals(List.of("message 1", "message 2", "message 3", "message 4", "message 5"), received);
            assertEquals(listener, backendPid(a), "the listener stayed on its connection");
            try (Statement st = a.createStatement()) {
                st.execute("UNLISTEN *");
            }
        }
    }

    // ------------------------------------------------------------------ advisory locks

    /**
     * pg_advisory_lock pins: on the one-connection pool another client waits while the lock holder
     * runs transaction after transaction; pg_advisory_unlock_all() ends the pin and the waiting
     * client runs while the former holder is still connected.
     */
    @Test
    void advisoryLockPinsUntilUnlockAll() throws Exception {
        try (Connection a = pin1.connect(DB, USER, USER, props()); Connection b = pin1.connect(DB, USER, USER, props())) {
            assertEquals("", one(a, "SELECT pg_advisory_lock(4242)::text"));
            int holder = backendPid(a);
            assertEquals(String.valueOf(holder), pg.queryString(DB,
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted"));

            CompletableFuture<String> waiting = bRuns(b);
            for (int i = 0; i < 10; i++) {
                a.setAutoCommit(false);
                assertEquals(holder, backendPid(a));
                a.commit();
                a.setAutoCommit(true);
                assertEquals(holder, backendPid(a));
            }
            assertFalse(waiting.isDone(), "another client got the lock holder's connection: " + waiting);

            assertEquals("", one(a, "SELECT pg_advisory_unlock_all()::text"));
            assertEquals("b ran", waiting.get(10, TimeUnit.SECONDS));
            assertEquals(null, pg.queryString(DB,
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"));
            assertEquals("a again", one(a, "SELECT 'a again'"));
        }
    }

    /**
     * SQL PREPARE and a cursor WITH HOLD live beyond their transaction: each pins until DEALLOCATE
     * ALL / CLOSE ALL. While pinned, the client uses them over separate transactions and another
     * client on the one-connection pool waits; after the release statement it runs.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PREPARE", "DECLARE WITH HOLD"})
    void sqlPrepareAndHoldCursorPinUntilReleased(String kind) throws Exception {
        boolean prepare = kind.equals("PREPARE");
        // a proxy of its own: DEALLOCATE ALL also drops the statements pgmux prepared on that server
        // connection (pgmux notices it by the command tag, see
        // PreparedStatementsIT.dropAllByPgjdbcThenPrepareAgain); the other tests start without that
        try (Pgmux own = start(null, 1, "10s");
             Connection a = own.connect(DB, USER, USER, props()); Connection b = own.connect(DB, USER, USER, props());
             Statement st = a.createStatement()) {
            st.execute(prepare ? "PREPARE pin_q(int) AS SELECT $1 * 2"
                    : "DECLARE pin_c CURSOR WITH HOLD FOR SELECT g FROM generate_series(1, 100) g ORDER BY g");
            CompletableFuture<String> waiting = bRuns(b);
            for (int i = 1; i <= 10; i++) { // each statement its own transaction (autocommit)
                assertEquals(String.valueOf(prepare ? 2 * i : i),
                        one(a, prepare ? "EXECUTE pin_q(" + i + ")" : "FETCH 1 FROM pin_c"));
            }
            assertFalse(waiting.isDone(), "another client got the pinned connection: " + waiting);
            st.execute(prepare ? "DEALLOCATE ALL" : "CLOSE ALL");
            assertEquals("b ran", waiting.get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * More kinds of state, each with what ends it: set_config(..., false) until RESET ALL, LISTEN
     * until UNLISTEN *, a temporary table until DISCARD TEMP. On the one-connection pool another
     * client waits while the pinned one runs transaction after transaction (autocommit statements and
     * an explicit one), and runs once the state is gone, while the former holder stays connected.
     * A set_config(..., true) first shows the other side: transaction-local, it pins nothing.
     */
    @ParameterizedTest(name = "{0} until {1}")
    @CsvSource(delimiter = '|', value = {
            "SELECT set_config('work_mem', '7MB', false)|RESET ALL",
            "LISTEN pin_until_unlisten|UNLISTEN *",
            "CREATE TEMP TABLE pin_until_discard(x int)|DISCARD TEMP",
    })
    void pinnedUntilTheStateIsGone(String create, String release) throws Exception {
        try (Connection a = pin1.connect(DB, USER, USER, props()); Connection b = pin1.connect(DB, USER, USER, props());
             Statement st = a.createStatement()) {
            assertEquals("7MB", one(a, "SELECT set_config('work_mem', '7MB', true)"));
            assertEquals("b ran", bRuns(b).get(10, TimeUnit.SECONDS), "set_config(..., true) pinned");

            st.execute(create);
            int holder = backendPid(a);
            CompletableFuture<String> waiting = bRuns(b);
            for (int i = 0; i < 5; i++) {
                assertEquals(holder, backendPid(a));
                a.setAutoCommit(false);
                assertEquals(holder, backendPid(a));
                a.commit();
                a.setAutoCommit(true);
            }
            assertFalse(waiting.isDone(), "another client got the pinned connection: " + waiting);
            st.execute(release);
            assertEquals("b ran", waiting.get(10, TimeUnit.SECONDS));
            assertEquals("a again", one(a, "SELECT 'a again'"));
        }
    }

    /** {@code b} runs a statement, asynchronously: done only once {@code b} got a server connection. */
    private static CompletableFuture<String> bRuns(Connection b) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return one(b, "SELECT 'b ran'");
            } catch (SQLException e) {
                throw new RuntimeException(e);
            }
        });
    }

    // ------------------------------------------------------------------ temporary tables

    /** CREATE TEMP TABLE pins: the table and its rows stay visible over later transactions, to that client only. */
    @Test
    void temporaryTableStaysVisible() throws Exception {
        try (Connection a = pin2.connect(DB, USER, USER, props()); Connection b = pin2.connect(DB, USER, USER, props());
             Statement st = a.createStatement()) {
            st.execute("CREATE TEMP TABLE scratch(x int)");
            int pinned = backendPid(a);
            for (int i = 1; i <= 20; i++) {
                st.execute("INSERT INTO scratch VALUES (" + i + ")");
                assertEquals(i * (i + 1) / 2, oneLong(a, "SELECT sum(x) FROM scratch"));
                assertEquals(pinned, backendPid(a));
                SQLException e = assertThrows(SQLException.class, () -> one(b, "SELECT count(*) FROM scratch"));
                assertEquals("42P01", e.getSQLState(), "another client must not see the temporary table");
            }
        }
    }

    // ------------------------------------------------------------------ tracked parameters do not pin

    /**
     * SET TimeZone and SET application_name are tracked and replayed by pgmux, so they do not pin:
     * on the one-connection pool another client runs right after them (and does not see them), and
     * the client keeps its values on whatever connection it gets next.
     */
    @Test
    void trackedParametersDoNotPin() throws Exception {
        try (Connection a = pin1.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            st.execute("SET TimeZone = 'Asia/Tokyo'");
            st.execute("SET application_name = 'pinning_it_a'");
            try (Connection b = pin1.connect(DB, USER, USER, props())) { // would wait (and time out) if a were pinned
                String seen = one(b, "SELECT current_setting('TimeZone') || '|' || current_setting('application_name')");
                assertFalse(seen.contains("Asia/Tokyo") || seen.contains("pinning_it_a"), seen);
            }
            assertEquals("Asia/Tokyo|pinning_it_a",
                    one(a, "SELECT current_setting('TimeZone') || '|' || current_setting('application_name')"));
        }
    }

    /**
     * The same on two connections: the client moves between backends (at least two distinct pids
     * observed) and sees its tracked settings on each. To make it move, another client holds the
     * backend it used last in an open transaction; a pinned client could never be moved that way.
     */
    @Test
    void trackedParametersFollowTheClientAcrossBackends() throws Exception {
        try (Connection a = pin2.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            st.execute("SET TimeZone = 'Asia/Tokyo'");
            st.execute("SET application_name = 'pinning_it_a'");
            Set<Integer> pids = new HashSet<>();
            int last = backendPid(a);
            pids.add(last);
            for (int attempt = 0; attempt < 20 && pids.size() < 2; attempt++) {
                try (Connection holder = pin2.connect(DB, USER, USER, props())) { // a new client: they alternate loops
                    holder.setAutoCommit(false);
                    int held = backendPid(holder); // holder keeps this backend until rollback
                    String seen = one(a, "SELECT pg_backend_pid() || '|' || current_setting('TimeZone') || '|'"
                            + " || current_setting('application_name')");
                    String[] parts = seen.split("\\|");
                    assertEquals("Asia/Tokyo|pinning_it_a", parts[1] + "|" + parts[2]);
                    int now = Integer.parseInt(parts[0]);
                    assertNotEquals(held, now, "two clients on one backend at once");
                    pids.add(now);
                    holder.rollback();
                }
            }
            assertTrue(pids.size() >= 2, "the client never moved to another backend: " + pids);
        }
    }

    // ------------------------------------------------------------------ pgjdbc setReadOnly

    /**
     * pgjdbc's setReadOnly (readOnlyMode=transaction, the default) starts transactions with BEGIN
     * READ ONLY: writes fail with 25006 there and work again after setReadOnly(false); nothing pins.
     */
    @Test
    void pgjdbcSetReadOnly() throws Exception {
        pg.sql(DB, "TRUNCATE shared_rows");
        try (Connection a = pin1.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            a.setReadOnly(true);
            a.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class, () -> st.executeUpdate("INSERT INTO shared_rows VALUES (1)"));
            assertEquals("25006", e.getSQLState());
            a.rollback();
            assertEquals("on", one(a, "SHOW transaction_read_only"));
            a.rollback();
            a.setReadOnly(false);
            assertEquals(1, st.executeUpdate("INSERT INTO shared_rows VALUES (1)"));
            a.commit();
            assertEquals("1", pg.queryString(DB, "SELECT count(*) FROM shared_rows"));
            try (Connection b = pin1.connect(DB, USER, USER, props())) { // the one connection is free: nothing pinned
                assertEquals("off", one(b, "SHOW transaction_read_only"));
            }
        }
    }

    // ------------------------------------------------------------------ on_session_state: error and ignore

    /**
     * on_session_state: error refuses session state with 0A000, naming the statement and the
     * option; the connection stays usable, and what is not session state (SET LOCAL, tracked
     * parameters) runs.
     */
    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"extended", "simple"})
    void errorPolicyRefusesSessionState(String queryMode) throws Exception {
        try (Pgmux strict = start("error", 1, "10s");
             // a short socket timeout: a missing ReadyForQuery fails fast instead of hanging
             Connection a = strict.connect(DB, USER, USER, props("preferQueryMode", queryMode, "socketTimeout", "10"));
             Statement st = a.createStatement()) {
            for (String sql : List.of("SET work_mem = '7MB'", "LISTEN refused_channel", "SELECT pg_advisory_lock(7)",
                    "CREATE TEMP TABLE refused(x int)", "SELECT set_config('work_mem', '7MB', false)",
                    "DECLARE refused_c CURSOR WITH HOLD FOR SELECT 1", "PREPARE refused_q AS SELECT 1")) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute(sql), sql);
                assertEquals("0A000", e.getSQLState(), sql + ": " + e.getMessage());
                String message = PgErrors.serverMessage(e).toLowerCase(Locale.ROOT);
                String statement = sql.toLowerCase(Locale.ROOT).split("[ (]")[0] + " "
                        + sql.toLowerCase(Locale.ROOT).split("[ (]")[1]; // e.g. "set work_mem", "select pg_advisory_lock"
                assertTrue(message.contains("on_session_state"), message);
                assertTrue(message.startsWith(statement), "the message names the statement (" + statement + "): " + message);
                // the client is answered completely (ReadyForQuery included) and may go on
                try {
                    assertEquals("1", one(a, "SELECT 1"), "after the refused " + sql);
                } catch (SQLException broken) {
                    throw new AssertionError("the connection is unusable after the refused " + sql + " ("
                            + queryMode + " protocol; no ReadyForQuery within the 10 s socket timeout?): " + broken, broken);
                }
            }
            String defaultWorkMem = pg.queryString(DB, "SHOW work_mem");
            assertEquals(defaultWorkMem, one(a, "SHOW work_mem"), "the refused SET did not run");
            st.execute("SET application_name = 'tracked_is_fine'");
            assertEquals("tracked_is_fine", one(a, "SHOW application_name"));
            a.setAutoCommit(false);
            st.execute("SET LOCAL work_mem = '9MB'");
            assertEquals("9MB", one(a, "SHOW work_mem"));
            a.commit();
        }
    }

    /** on_session_state: ignore: no error and no pin (on one connection another client runs right away). */
    @Test
    void ignorePolicyNeitherRefusesNorPins() throws Exception {
        try (Pgmux lax = start("ignore", 1, "10s");
             Connection a = lax.connect(DB, USER, USER, props()); Statement st = a.createStatement()) {
            st.execute("SET work_mem = '7MB'");
            st.execute("SELECT pg_advisory_lock(77)");
            try (Connection b = lax.connect(DB, USER, USER, props())) { // would wait if a were pinned
                assertEquals("b", one(b, "SELECT 'b'"));
            }
            st.execute("SELECT pg_advisory_unlock_all()");
        }
    }
}
