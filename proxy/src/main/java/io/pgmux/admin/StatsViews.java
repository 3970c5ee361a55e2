package io.pgmux.admin;

import io.netty.util.concurrent.EventExecutor;
import io.pgmux.pool.Pool;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * SHOW STATS, STATS_TOTALS and STATS_AVERAGES, per database, in PgBouncer's columns. Totals are
 * since start; averages cover the last complete {@link #PERIOD} (PgBouncer's stats_period), 0
 * until one has passed. Client parses and binds are the clients' Parse and Bind messages; server
 * parses are the statements pgmux's cache prepared on servers.
 */
final class StatsViews {
    static final Duration PERIOD = Duration.ofSeconds(60);

    private final Supplier<Collection<Pool>> pools;
    private final Map<String, StatsTotals> previous = new ConcurrentHashMap<>();
    private final Map<String, StatsTotals> averages = new ConcurrentHashMap<>();
    private volatile long previousAtNanos = System.nanoTime();

    StatsViews(Supplier<Collection<Pool>> pools) {
        this.pools = pools;
    }

    /** Samples the totals every {@link #PERIOD} on {@code executor}. */
    void start(EventExecutor executor) {
        sample();
        executor.scheduleAtFixedRate(this::sample, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sample() {
        sample(System.nanoTime());
    }

    /** Takes the totals as of {@code now} ({@link System#nanoTime()}) and averages them since the last sample. */
    void sample(long now) {
        double seconds = (now - previousAtNanos) / 1e9;
        Collection<Pool> all = pools.get();
        for (String db : databases(all)) {
            StatsTotals cur = StatsTotals.of(db, all);
            // a database first seen now had its pools created within the period: its baseline is zero
            StatsTotals before = previous.getOrDefault(db, StatsTotals.ZERO);
            previous.put(db, cur);
            averages.put(db, cur.averageSince(before, seconds));
        }
        previousAtNanos = now;
    }

    private static Collection<String> databases(Collection<Pool> all) {
        return all.stream().map(p -> p.key().database()).distinct().sorted().toList();
    }

    ResultTable stats(Collection<String> databaseNames) {
        ResultTable.Builder t = ResultTable.builder("database", "total_server_assignment_count", "total_xact_count",
                "total_query_count", "total_received", "total_sent", "total_xact_time", "total_query_time",
                "total_wait_time", "total_client_parse_count", "total_server_parse_count", "total_bind_count",
                "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent",
                "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count",
                "avg_server_parse_count", "avg_bind_count");
        Collection<Pool> all = pools.get();
        for (String db : databaseNames) {
            StatsTotals s = StatsTotals.of(db, all);
            StatsTotals a = averages.getOrDefault(db, StatsTotals.ZERO);
            t.row(concat(db, values(s), values(a)));
        }
        return t.build();
    }

    ResultTable totals(Collection<String> databaseNames) {
        return subset(databaseNames, true);
    }

    ResultTable averages(Collection<String> databaseNames) {
        return subset(databaseNames, false);
    }

    private ResultTable subset(Collection<String> databaseNames, boolean totals) {
        ResultTable.Builder t = ResultTable.builder("database", "server_assignment_count", "xact_count", "query_count",
                "bytes_received", "bytes_sent", "xact_time", "query_time", "wait_time", "client_parse_count",
                "server_parse_count", "bind_count");
        Collection<Pool> all = pools.get();
        for (String db : databaseNames) {
            StatsTotals s = totals ? StatsTotals.of(db, all) : averages.getOrDefault(db, StatsTotals.ZERO);
            t.row(concat(db, values(s)));
        }
        return t.build();
    }

    /** One set of values in column order. */
    private static Object[] values(StatsTotals s) {
        return new Object[] {s.assignments(), s.xacts(), s.queries(), s.received(), s.sent(), s.xactMicros(),
                s.queryMicros(), s.waitMicros(), s.clientParses(), s.serverParses(), s.binds()};
    }

    private static Object[] concat(String db, Object[]... parts) {
        int n = 1;
        for (Object[] p : parts) {
            n += p.length;
        }
        Object[] out = new Object[n];
        out[0] = db;
        int at = 1;
        for (Object[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
