package io.pgmux.it;

import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves pgmux with libpq clients: pgbench's TPC-B-like workload, 20 clients on 2 threads, 50
 * transactions each, through a transaction-mode pool of 5, in the simple and the extended query
 * protocol and with named prepared statements ({@code -M prepared}: each client parses {@code P_0}...
 * once, and its later transactions land on server connections that never saw that Parse), ends
 * with exit status 0, 1,000 processed and 0 failed transactions, and the database
 * consistent (the history table grew by exactly 1,000 rows and the balances add up); and
 * {@code psql -c} works through pgmux (libpq's default sslmode=prefer exercises the SSLRequest
 * 'N' answer). Skipped when pgbench / psql are not installed.
 */
class PgbenchIT {
    private static final String DB = "pgbench_it";
    private static final String USER = "pgbench_user";

    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() throws Exception {
        pg = SharedPostgres.get();
        pg.createDatabase(DB, USER);
        pgmux = PgmuxSetup.of(pg, DB, USER).pool("{ mode: transaction, size: 5 }").start();
        Optional<Path> pgbench = binary("pgbench");
        if (pgbench.isPresent()) {
            // initialized directly on the server: the test is about the benchmark run through pgmux
            Result init = run(pgbench.get().toString(), "-i", "-s", "1", "-q", "-h", "127.0.0.1",
                    "-p", Integer.toString(pg.port()), "-U", USER, DB);
            assertEquals(0, init.exit(), init::toString);
        }
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
    }

    record Result(int exit, String output) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + output;
        }
    }

    /** The executable on PATH (or in /usr/bin), if installed. */
    static Optional<Path> binary(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", USER);
        pb.environment().remove("PGSSLMODE"); // libpq's default, prefer: pgmux must answer the SSLRequest
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static long number(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertTrue(m.find(), () -> "no match for " + regex + " in\n" + output);
        return Long.parseLong(m.group(1));
    }

    @ParameterizedTest(name = "-M {0}")
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void pgbenchThroughPgmux(String protocol) throws Exception {
        Optional<Path> pgbench = binary("pgbench");
        assumeTrue(pgbench.isPresent(), "pgbench is not installed");
        long historyBefore = Long.parseLong(pg.queryString(DB, "SELECT count(*) FROM pgbench_history"));
        long namedBefore = namedStatementUses();

        Result r = run(pgbench.get().toString(), "-c", "20", "-j", "2", "-t", "50", "-M", protocol, "-n",
                "-h", "127.0.0.1", "-p", Integer.toString(pgmux.port()), "-U", USER, DB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1000, number(r.output(), "number of transactions actually processed: (\\d+)/1000"), r::toString);
        if (r.output().contains("number of failed transactions")) { // printed by pgbench 15 and later
            assertEquals(0, number(r.output(), "number of failed transactions: (\\d+)"), r::toString);
        }

        if (protocol.equals("prepared")) { // the named statements went through pgmux's rewriting, every transaction
            assertTrue(namedStatementUses() - namedBefore >= 1000,
                    "named statement uses: " + (namedStatementUses() - namedBefore));
        }

        // the work really happened, once per transaction, and the TPC-B invariant holds
        long historyAfter = Long.parseLong(pg.queryString(DB, "SELECT count(*) FROM pgbench_history"));
        assertEquals(1000, historyAfter - historyBefore, "one history row per transaction");
        assertEquals(pg.queryString(DB, "SELECT sum(delta) FROM pgbench_history"),
                pg.queryString(DB, "SELECT sum(abalance) FROM pgbench_accounts"), "account balances add up");
        assertEquals(pg.queryString(DB, "SELECT sum(delta) FROM pgbench_history"),
                pg.queryString(DB, "SELECT sum(tbalance) FROM pgbench_tellers"), "teller balances add up");
    }

    /** Named statements pgmux found on (hit) or prepared on (miss) a server connection so far. */
    private static long namedStatementUses() {
        if (pgmux.server().pools().isEmpty()) {
            return 0; // no client yet (this run may be the first)
        }
        var stats = Jdbc.poolStats(pgmux);
        return stats.preparedHits.sum() + stats.preparedMisses.sum();
    }

    @Test
    void psqlThroughPgmux() throws Exception {
        Optional<Path> psql = binary("psql");
        assumeTrue(psql.isPresent(), "psql is not installed");
        Result r = run(psql.get().toString(), "-X", "-At", "-h", "127.0.0.1", "-p", Integer.toString(pgmux.port()),
                "-U", USER, "-d", DB, "-c", "select 1", "-c", "select current_database()");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("1\n" + DB, r.output().strip());
    }
}
