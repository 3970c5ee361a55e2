package io.pgmux.it;

import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.Subprocess;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real, unmodified drivers with their default settings through transaction mode, run as
 * subprocesses: asyncpg (its statement cache names every statement {@code __asyncpg_stmt_N__}),
 * psycopg 3 (prepared statements, pipeline mode, and the DEALLOCATE commands it sends itself) and
 * node-postgres (named queries). Each script prints {@code key=value} totals; the test computes
 * the expected totals itself and requires exit code 0.
 *
 * <p>A driver that is not installed skips its test (assumption), so the class runs anywhere:
 * Python drivers are looked up with {@code $PGMUX_PYTHON}, {@code /usr/bin/python3} and
 * {@code python3}; node-postgres in {@code $PGMUX_NODE_PG_DIR/node_modules}, else installed with
 * {@code npm install pg@8} into {@code target/nodepg} if that finishes within 60 s.
 */
class DriversIT {
    private static final String DB = "drivers_it";
    private static final String USER = "drivers_app";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    static TestPostgres pg;
    /** Five server connections for the concurrent driver workloads. */
    static Pgmux pgmux;
    /**
     * One server connection, one event loop: a driver's maintenance commands (DEALLOCATE) and the
     * next statement certainly meet the same server connection.
     */
    static Pgmux single;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pg.sql(DB, "CREATE TABLE asyncpg_rows(client int, n int)", "CREATE TABLE psycopg_rows(n int)",
                "CREATE TABLE nodepg_rows(client int, n int)");
        for (String t : List.of("asyncpg_rows", "psycopg_rows", "nodepg_rows")) {
            pg.sql(DB, "ALTER TABLE " + t + " OWNER TO " + USER);
        }
        pgmux = start("", 5);
        single = start("workers: 1\n", 1);
    }

    private static Pgmux start(String top, int size) {
        return PgmuxSetup.of(pg, DB, USER).top(top).top("limits: { query_wait_timeout: 30s }")
                .pool("{ mode: transaction, size: " + size + " }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
        single.close();
    }

    // ------------------------------------------------------------------ asyncpg

    @Test
    void asyncpgWithItsStatementCache() throws Exception {
        String python = python("asyncpg").orElse(null);
        assumeTrue(python != null, "no python3 with asyncpg (Debian: python3-asyncpg)");
        pg.sql(DB, "TRUNCATE asyncpg_rows");
        Map<String, String> v = runOk(List.of(python, script("asyncpg_check.py")), pgmux, Map.of());

        long add = 0;
        long doubled = 0;
        long plusOne = 0;
        long errors = 0;
        long rows = 0;
        long rowsSum = 0;
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 50; j++) {
                add += i + j;
                doubled += 2L * j;
                plusOne += j + 1;
                if (j % 10 == 0) {
                    errors++;
                }
                if (j % 5 == 0) {
                    rows += 2;
                    rowsSum += j + (j + 1000);
                }
            }
        }
        assertEquals(String.valueOf(add), v.get("add"));
        assertEquals(String.valueOf(doubled), v.get("doubled"));
        assertEquals(String.valueOf(plusOne), v.get("plus_one"));
        assertEquals(String.valueOf(errors), v.get("errors"), "each client recovered from its own errors");
        assertEquals(String.valueOf(rows), v.get("rows"));
        assertEquals(String.valueOf(rowsSum), v.get("rows_sum"));
        // asyncpg's cache held its named statements: the named path was the one exercised
        assertTrue(Long.parseLong(v.get("cached")) >= 20 * 3, "cached statements: " + v.get("cached"));
    }

    // ------------------------------------------------------------------ psycopg 3

    /** prepare=True and prepare_threshold=0 on 10 connections (5 server connections), exact totals. */
    @Test
    void psycopgPreparedStatements() throws Exception {
        Map<String, String> v = psycopg("prepared", pgmux);
        long total = 0;
        for (int j = 0; j < 50; j++) {
            for (int i = 0; i < 10; i++) {
                total += (i + j) + 3L * j;
            }
        }
        assertEquals(String.valueOf(total), v.get("prepared_total"));
        assertTrue(Integer.parseInt(v.get("prepared_names")) >= 10, "psycopg prepared: " + v.get("prepared_names"));
    }

    /** Pipeline mode: 250 statements sent before any result is read, a transaction inside, executemany. */
    @Test
    void psycopgPipelineMode() throws Exception {
        Map<String, String> v = psycopg("pipeline", pgmux);
        long selects = 0;
        long rowsSum = 0;
        for (int n = 0; n < 50; n++) {
            selects += 2L * n;
        }
        for (int n = 0; n < 200; n++) {
            rowsSum += n;
        }
        rowsSum += 1001; // inserted as 1000 and incremented in the transaction
        for (int n = 10_000; n < 10_100; n++) {
            rowsSum += n;
        }
        assertEquals(String.valueOf(selects), v.get("pipeline_selects"));
        assertEquals("301", v.get("pipeline_rows"));
        assertEquals(String.valueOf(rowsSum), v.get("pipeline_rows_sum"));
    }

    /**
     * psycopg evicts from its prepared-statement cache (prepared_max 2 over 5 queries) with
     * {@code DEALLOCATE _pg3_N}, sent with the extended protocol (PQsendQueryParams): pgmux must
     * treat it as the client's DEALLOCATE of its own statement, not pass it to a server that knows
     * the statement under another name.
     */
    @Test
    void psycopgDeallocatesEvictedStatements() throws Exception {
        Map<String, String> v = psycopg("evict", single);
        long total = 0;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 5; k++) {
                total += round + k;
            }
        }
        assertEquals(String.valueOf(total), v.get("evict_total"));
    }

    /**
     * conn.rollback() with prepared statements makes psycopg send {@code DEALLOCATE ALL} (extended
     * protocol) and prepare again; another connection uses the same statement text on the same
     * server connection. Both must go on working.
     */
    @Test
    void psycopgDeallocateAllAfterRollback() throws Exception {
        Map<String, String> v = psycopg("rollback", single);
        assertEquals(String.valueOf(501 + 502 + 503 + 504), v.get("rollback_total"));
    }

    private Map<String, String> psycopg(String mode, Pgmux proxy) throws Exception {
        String python = python("psycopg").orElse(null);
        assumeTrue(python != null, "no python3 with psycopg 3 (Debian: python3-psycopg)");
        return runOk(List.of(python, script("psycopg_check.py"), mode), proxy, Map.of());
    }

    // ------------------------------------------------------------------ node-postgres

    /** node-postgres named queries from 20 concurrent clients on 5 server connections, exact totals. */
    @Test
    void nodePostgresNamedQueries() throws Exception {
        assumeTrue(Subprocess.succeeds(List.of("node", "--version"), Duration.ofSeconds(10)), "no node on PATH");
        Path modules = nodePgModules().orElse(null);
        assumeTrue(modules != null, "node-postgres not available: set PGMUX_NODE_PG_DIR or allow npm install pg@8");
        pg.sql(DB, "TRUNCATE nodepg_rows");
        Map<String, String> v = runOk(List.of("node", script("nodepg_check.js")), pgmux,
                Map.of("NODE_PATH", modules.toString()));
        long add = 0;
        long mul = 0;
        long rowsSum = 0;
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 50; j++) {
                add += i + j;
                mul += 3L * j;
                if (j % 10 == 0) {
                    rowsSum += j;
                }
            }
        }
        assertEquals(String.valueOf(add), v.get("add"));
        assertEquals(String.valueOf(mul), v.get("mul"));
        assertEquals("100", v.get("rows"));
        assertEquals(String.valueOf(rowsSum), v.get("rows_sum"));
    }

    /**
     * {@code $PGMUX_NODE_PG_DIR/node_modules} if set; else {@code target/nodepg/node_modules},
     * installing pg@8 there with npm when missing (given up after 60 s: then the test is skipped).
     */
    private static Optional<Path> nodePgModules() {
        String configured = System.getenv("PGMUX_NODE_PG_DIR");
        if (configured != null && !configured.isBlank()) {
            Path modules = Path.of(configured).resolve("node_modules");
            return Files.isDirectory(modules.resolve("pg")) ? Optional.of(modules.toAbsolutePath()) : Optional.empty();
        }
        Path prefix = Path.of("target", "nodepg").toAbsolutePath();
        Path modules = prefix.resolve("node_modules");
        if (!Files.isDirectory(modules.resolve("pg"))) {
            Subprocess.Result install = Subprocess.run(List.of("npm", "install", "--no-audit", "--no-fund", "--silent",
                    "--prefix", prefix.toString(), "pg@8"), null, Map.of(), Duration.ofSeconds(60));
            if (install.exitCode() != 0 || !Files.isDirectory(modules.resolve("pg"))) {
                System.err.println("npm install pg@8 failed: " + install.describe());
                return Optional.empty();
            }
        }
        return Optional.of(modules);
    }

    // ------------------------------------------------------------------ helpers

    /** A Python interpreter that can import {@code module}, if any. */
    private static Optional<String> python(String module) {
        String configured = System.getenv("PGMUX_PYTHON");
        for (String candidate : configured != null ? List.of(configured) : List.of("/usr/bin/python3", "python3")) {
            if (Subprocess.succeeds(List.of(candidate, "-c", "import " + module), Duration.ofSeconds(20))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String script(String name) throws Exception {
        return Path.of(DriversIT.class.getResource("/drivers/" + name).toURI()).toString();
    }

    /** Runs a driver script against {@code proxy}; requires exit 0 and returns its key=value output. */
    private static Map<String, String> runOk(List<String> command, Pgmux proxy, Map<String, String> extraEnv) {
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "PGHOST", "127.0.0.1", "PGPORT", String.valueOf(proxy.port()), "PGUSER", USER,
                "PGPASSWORD", USER, "PGDATABASE", DB, "PGSSLMODE", "disable"));
        env.putAll(extraEnv);
        Subprocess.Result r = Subprocess.run(command, null, env, SCRIPT_TIMEOUT);
        assertFalse(r.timedOut(), r.describe());
        assertEquals(0, r.exitCode(), r.describe());
        return r.values();
    }
}
