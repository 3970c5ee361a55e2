package io.pgmux.admin;

import io.netty.channel.DefaultEventLoopGroup;
import io.pgmux.backend.ServerTarget;
import io.pgmux.pool.LoopIndex;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolKey;
import io.pgmux.pool.PoolMode;
import io.pgmux.pool.PoolSettings;
import io.pgmux.pool.PoolStats;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SHOW STATS_AVERAGES and the avg_* columns of SHOW STATS follow the traffic of the last complete
 * period (the IT cannot wait the 60 s period out): 0 before it, then the period's rates.
 */
class StatsViewsTest {

    @Test
    void averagesMoveWithTheTrafficOfTheLastPeriod() {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            Pool pool = new Pool(new PoolKey("app", "u"), new ServerTarget("127.0.0.1", 5432, "app", "u", "p"),
                    PoolSettings.defaults(PoolMode.TRANSACTION, 2), null, new LoopIndex(group));
            StatsViews views = new StatsViews(() -> List.of(pool));
            long t0 = System.nanoTime();
            views.sample(t0);
            assertEquals("0", views.averages(List.of("app")).value(0, "xact_count"), "no traffic yet");

            PoolStats s = pool.stats();
            for (int i = 0; i < 120; i++) {
                s.recordTransaction(TimeUnit.MILLISECONDS.toNanos(2));
                s.queries.increment();
                s.queries.increment();
                s.binds.increment();
                s.clientParses.increment();
            }
            s.bytesFromClients.add(6000);
            assertEquals("0", views.averages(List.of("app")).value(0, "xact_count"), "the period is not over");
            assertEquals("120", views.totals(List.of("app")).value(0, "xact_count"), "totals move at once");

            views.sample(t0 + TimeUnit.SECONDS.toNanos(60));
            ResultTable avg = views.averages(List.of("app"));
            assertEquals("2", avg.value(0, "xact_count"), "120 transactions in 60 s");
            assertEquals("4", avg.value(0, "query_count"));
            assertEquals("2", avg.value(0, "bind_count"));
            assertEquals("2", avg.value(0, "client_parse_count"));
            assertEquals("100", avg.value(0, "bytes_received"));
            assertEquals("2000", avg.value(0, "xact_time"), "microseconds per transaction");
            ResultTable stats = views.stats(List.of("app"));
            assertEquals("2", stats.value(0, "avg_xact_count"));
            assertEquals("120", stats.value(0, "total_xact_count"));

            views.sample(t0 + TimeUnit.SECONDS.toNanos(120));
            assertEquals("0", views.averages(List.of("app")).value(0, "xact_count"), "a quiet period averages 0");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
