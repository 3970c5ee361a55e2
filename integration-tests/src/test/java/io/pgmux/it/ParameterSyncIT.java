package io.pgmux.it;

import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves ParameterStatus sync across server switches: with a transaction-mode pool of ONE server
 * connection, two pgjdbc clients take turns on the very same PostgreSQL backend (checked by
 * {@code pg_backend_pid()}), yet each keeps seeing its own TimeZone, DateStyle and
 * application_name, whether they came from the startup packet or from a later {@code SET}, over
 * many interleaved transactions. A {@code SET} rolled back with its transaction is forgotten, as
 * in PostgreSQL, and pgjdbc's own view (the ParameterStatus it received) matches the server.
 *
 * <p>The database's default TimeZone and DateStyle differ from what either client asks for, so a
 * client whose settings were not applied on the shared backend would see the defaults and fail.
 */
class ParameterSyncIT {
    private static final String DB = "paramsync_it";
    private static final String USER = "paramsync_app";
    private static final String DB_DEFAULT_TZ = "Australia/Sydney";

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        // server connections start with these; clients want something else
        pg.sql("postgres", "ALTER DATABASE " + DB + " SET TimeZone = '" + DB_DEFAULT_TZ + "'",
                "ALTER DATABASE " + DB + " SET DateStyle = 'ISO, YMD'");
        // One event loop: pools are partitioned per loop, and with two loops a pool of one connection
        // would be closed and reopened on whichever loop the next client lives on (a fresh backend,
        // which hides sync mistakes). With one loop both clients really share one backend.
        pgmux = PgmuxSetup.of(pg, DB, USER).top("workers: 1").pool("{ mode: transaction, size: 1 }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    /** What one transaction of a client sees on the server. */
    record Seen(String timeZone, String dateStyle, String applicationName, int backendPid, String activityAppName) {
    }

    private static Connection client(String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName);
        return pgmux.connect(DB, USER, USER, p);
    }

    /** One transaction (autocommit statement) reading the session's settings. */
    private static Seen look(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('application_name'),"
                        + " pg_backend_pid(), (SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid())")) {
            assertTrue(rs.next());
            return new Seen(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5));
        }
    }

    /** As {@link #look}, inside an explicit two-statement transaction. */
    private static Seen lookInTransaction(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute("SELECT 1");
            Seen s = look(c);
            st.execute("COMMIT");
            return s;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void twoClientsOnOneBackendKeepTheirOwnTimeZoneAndApplicationName() throws SQLException {
        try (Connection a = client("client-a"); Connection b = client("client-b")) {
            String bTimeZone = ((PGConnection) b).getParameterStatus("TimeZone");
            // pgjdbc puts the JVM's zone in its startup packet; it must not be the database default
            assertNotEquals(DB_DEFAULT_TZ, bTimeZone);

            Seen a0 = look(a);
            Seen b0 = look(b);
            assertEquals(a0.backendPid(), b0.backendPid(), "pool size 1: both clients run on the same backend");
            assertEquals(bTimeZone, b0.timeZone(), "B's startup TimeZone was applied");

            exec(a, "SET TimeZone = 'America/New_York'");
            assertEquals("America/New_York", ((PGConnection) a).getParameterStatus("TimeZone"),
                    "A's pgjdbc was told of its own SET (ParameterStatus forwarded)");

            for (int i = 0; i < 50; i++) {
                // alternate plain autocommit statements and explicit transactions
                Seen sa = i % 2 == 0 ? look(a) : lookInTransaction(a);
                Seen sb = i % 3 == 0 ? lookInTransaction(b) : look(b);
                String round = "round " + i;
                assertEquals(a0.backendPid(), sa.backendPid(), round);
                assertEquals(a0.backendPid(), sb.backendPid(), round);
                assertEquals("America/New_York", sa.timeZone(), round);
                assertEquals("client-a", sa.applicationName(), round);
                assertEquals("client-a", sa.activityAppName(), round + ": pg_stat_activity shows the client's name");
                assertEquals(bTimeZone, sb.timeZone(), round);
                assertEquals("client-b", sb.applicationName(), round);
                assertEquals("client-b", sb.activityAppName(), round);
            }
            assertEquals(bTimeZone, ((PGConnection) b).getParameterStatus("TimeZone"),
                    "B's pgjdbc never saw A's TimeZone");
        }
    }

    @Test
    void twoClientsOnOneBackendKeepTheirOwnDateStyle() throws SQLException {
        try (Connection a = client("ds-a"); Connection b = client("ds-b")) {
            // pgjdbc sends DateStyle=ISO; PostgreSQL applies it to its built-in 'ISO, MDY' (startup
            // values go first, database defaults do not override them): a direct connection to this
            // database sees 'ISO, MDY'
            assertEquals("ISO, MDY", look(b).dateStyle(), "B's startup DateStyle, not the database default");

            exec(a, "SET DateStyle = 'ISO, DMY'");
            for (int i = 0; i < 20; i++) {
                Seen sa = look(a);
                Seen sb = i % 2 == 0 ? look(b) : lookInTransaction(b);
                assertEquals(sa.backendPid(), sb.backendPid());
                assertEquals("ISO, DMY", sa.dateStyle(), "round " + i);
                assertEquals("ISO, MDY", sb.dateStyle(), "round " + i + ": B must not inherit A's DateStyle");
            }
            // and pgjdbc is told the value PostgreSQL would report, not the raw startup text
            assertEquals("ISO, MDY", ((PGConnection) b).getParameterStatus("DateStyle"));
        }
    }

    @Test
    void setInsideATransactionFollowsCommitAndRollback() throws SQLException {
        try (Connection a = client("txn-a"); Connection b = client("txn-b")) {
            String bTimeZone = ((PGConnection) b).getParameterStatus("TimeZone");
            exec(a, "SET TimeZone = 'America/New_York'");

            // rolled back: PostgreSQL restores the old value and reports it; A must end up on New York
            try (Statement st = a.createStatement()) {
                st.execute("BEGIN");
                st.execute("SET TimeZone = 'Europe/Paris'");
                assertEquals("Europe/Paris", look(a).timeZone());
                st.execute("ROLLBACK");
            }
            assertEquals(bTimeZone, look(b).timeZone());
            assertEquals("America/New_York", look(a).timeZone(), "a rolled-back SET is forgotten");
            assertEquals("America/New_York", ((PGConnection) a).getParameterStatus("TimeZone"));

            // committed: sticks
            try (Statement st = a.createStatement()) {
                st.execute("BEGIN");
                st.execute("SET TimeZone = 'Asia/Tokyo'");
                st.execute("COMMIT");
            }
            assertEquals(bTimeZone, look(b).timeZone());
            assertEquals("Asia/Tokyo", look(a).timeZone());

            // SET LOCAL lasts only for its transaction
            try (Statement st = a.createStatement()) {
                st.execute("BEGIN");
                st.execute("SET LOCAL TimeZone = 'Europe/Paris'");
                assertEquals("Europe/Paris", look(a).timeZone());
                st.execute("COMMIT");
            }
            assertEquals(bTimeZone, look(b).timeZone());
            assertEquals("Asia/Tokyo", look(a).timeZone(), "SET LOCAL ended with its transaction");
        }
    }

    @Test
    void matchingParametersCostNoExtraStatements() throws SQLException {
        // ParameterSync's contract: when the server already matches, nothing is sent. One client on
        // one server connection never needs a sync after its first transaction. A dedicated server
        // logs every statement, so the log shows what pgmux sent.
        try (TestPostgres server = TestPostgres.startLocal("paramsync-log", b -> b.setting("log_statement", "all"))) {
            server.createDatabase("synclog", "synclog_user");
            try (Pgmux proxy = PgmuxSetup.of(server, "synclog", "synclog_user").top("workers: 1")
                    .pool("{ mode: transaction, size: 1 }").start();
                 Connection c = proxy.connect("synclog", "synclog_user", "synclog_user");
                 Statement st = c.createStatement()) {
                for (int i = 0; i < 5; i++) {
                    st.execute("SELECT " + i + " AS sync_probe");
                }
            }
            String log = server.local().orElseThrow().logTail(200);
            int first = log.indexOf("SELECT 0 AS sync_probe");
            assertTrue(first > 0, log);
            String afterFirst = log.substring(first);
            long syncs = afterFirst.lines().filter(l -> l.contains("set_config(")).count();
            assertEquals(0, syncs, () -> "pgmux re-synced parameters that already matched:\n" + afterFirst.lines()
                    .filter(l -> l.contains("statement:") || l.contains("execute")).collect(Collectors.joining("\n")));
        }
    }

    @Test
    void resetReturnsToTheClientsOwnStartupValue() throws SQLException {
        // In PostgreSQL, RESET goes back to the value the session started with, i.e. what the client
        // put in its startup packet, not the database default of whatever backend it runs on.
        try (Connection a = client("reset-a"); Connection b = client("reset-b")) {
            String aStartup = ((PGConnection) a).getParameterStatus("TimeZone");
            String bStartup = ((PGConnection) b).getParameterStatus("TimeZone");
            exec(a, "SET TimeZone = 'Asia/Tokyo'");
            assertEquals(bStartup, look(b).timeZone());
            exec(a, "RESET TimeZone");
            assertEquals(aStartup, look(a).timeZone(), "RESET restores A's startup TimeZone");
            assertEquals(aStartup, ((PGConnection) a).getParameterStatus("TimeZone"));
            assertEquals(bStartup, look(b).timeZone());
            assertEquals(aStartup, look(a).timeZone());
        }
    }

    @Test
    void applicationNameChangedBySetIsKeptPerClient() throws SQLException {
        try (Connection a = client("app-a"); Connection b = client("app-b")) {
            for (int i = 0; i < 20; i++) {
                exec(a, "SET application_name = 'app-a-" + i + "'");
                Seen sb = look(b);
                Seen sa = look(a);
                assertEquals(sa.backendPid(), sb.backendPid());
                assertEquals("app-b", sb.applicationName());
                assertEquals("app-b", sb.activityAppName());
                assertEquals("app-a-" + i, sa.applicationName());
                assertEquals("app-a-" + i, sa.activityAppName());
            }
        }
    }

    @Test
    void aClientStartingLaterGetsItsOwnStartupValues() throws SQLException {
        // the shared backend was left with A's settings; C logs in afterwards with its own options
        try (Connection a = client("late-a")) {
            exec(a, "SET TimeZone = 'America/New_York'");
            exec(a, "SET DateStyle = 'ISO, DMY'");
            look(a);
            Properties p = new Properties();
            p.setProperty("ApplicationName", "late-c");
            p.setProperty("options", "-c IntervalStyle=sql_standard");
            try (Connection c = pgmux.connect(DB, USER, USER, p)) {
                Seen sc = look(c);
                assertEquals(((PGConnection) c).getParameterStatus("TimeZone"), sc.timeZone());
                assertNotEquals("America/New_York", sc.timeZone());
                assertEquals("ISO, MDY", sc.dateStyle());
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW IntervalStyle")) {
                    rs.next();
                    assertEquals("sql_standard", rs.getString(1), "options -c from the startup packet applied");
                }
                try (Statement st = a.createStatement(); ResultSet rs = st.executeQuery("SHOW IntervalStyle")) {
                    rs.next();
                    assertEquals("postgres", rs.getString(1), "C's IntervalStyle did not leak to A");
                }
                assertEquals("America/New_York", look(a).timeZone());
            }
        }
    }
}
