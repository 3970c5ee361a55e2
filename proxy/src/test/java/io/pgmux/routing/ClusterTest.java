package io.pgmux.routing;

import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.PoolConfig;
import io.pgmux.config.RoutingConfig;
import io.pgmux.config.SessionStatePolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTest {

    private static Cluster cluster(RoutingConfig routing, Integer... weights) {
        List<BackendUrl> replicas = new java.util.ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            replicas.add(BackendUrl.parse("postgres://u:p@127.0.0.1:" + (5433 + i) + "/db", "db"));
        }
        DatabaseConfig db = new DatabaseConfig("db", PoolConfig.defaults(), BackendUrl.parse("postgres://u:p@127.0.0.1:5432/db", "db"),
                replicas, SessionStatePolicy.PIN, List.of(weights), routing);
        return new Cluster(db);
    }

    private static RoutingConfig routing(RoutingConfig.Balance balance, boolean fallback, RoutingConfig.PrimaryReads reads) {
        RoutingConfig d = RoutingConfig.defaults();
        return new RoutingConfig(d.autocommitSelects(), balance, fallback, reads, d.maxReplicaLagBytes(),
                d.maxReplicaLagTime(), d.consistency(), d.rywTimeout(), d.healthCheckInterval(),
                d.healthCheckTimeout(), d.retryReads(), d.denyFunctions());
    }

    private static Map<String, Integer> spread(Cluster c, int reads) {
        Map<String, Integer> n = new HashMap<>();
        for (int i = 0; i < reads; i++) {
            n.merge(c.forRead(0).name(), 1, Integer::sum);
        }
        return n;
    }

    @Test
    void roundRobinFollowsWeights() {
        Cluster c = cluster(routing(RoutingConfig.Balance.ROUND_ROBIN, true, RoutingConfig.PrimaryReads.FALLBACK), 1, 3);
        assertEquals(Map.of("replica1", 250, "replica2", 750), spread(c, 1000));
    }

    @Test
    void leastOutstandingPrefersTheIdleReplicaAndRotatesTies() {
        Cluster c = cluster(RoutingConfig.defaults(), 1, 1);
        assertEquals(Map.of("replica1", 500, "replica2", 500), spread(c, 1000), "ties rotate");
        Backend r1 = c.replicas().get(0);
        r1.begin();
        assertSame(c.replicas().get(1), c.forRead(0));
        assertSame(c.replicas().get(1), c.forRead(0));
        r1.end();
    }

    @Test
    void unusableReplicasLeaveTheRotationAndThePrimaryIsTheFallback() {
        Cluster c = cluster(RoutingConfig.defaults(), 1, 1);
        c.replicas().get(0).checked(Backend.Health.LAGGING, 1, 100, 0, "behind");
        assertEquals(Map.of("replica2", 10), spread(c, 10));
        assertTrue(c.replicas().get(1).markDown("refused"));
        assertSame(c.primary(), c.forRead(0), "no usable replica: fallback_to_primary");

        Cluster strict = cluster(routing(RoutingConfig.Balance.LEAST_OUTSTANDING, false, RoutingConfig.PrimaryReads.FALLBACK), 1);
        strict.replicas().get(0).checked(Backend.Health.DOWN, 0, 0, 0, "refused");
        assertNull(strict.forRead(0), "fallback_to_primary: false");
    }

    @Test
    void shareGivesThePrimaryItsTurn() {
        Cluster c = cluster(routing(RoutingConfig.Balance.ROUND_ROBIN, true, RoutingConfig.PrimaryReads.SHARE), 1);
        assertEquals(Map.of("replica1", 50, "primary", 50), spread(c, 100));
        Cluster lo = cluster(routing(RoutingConfig.Balance.LEAST_OUTSTANDING, true, RoutingConfig.PrimaryReads.SHARE), 1);
        assertEquals(Map.of("replica1", 50, "primary", 50), spread(lo, 100));
    }

    @Test
    void readYourWritesWaitsForReplay() {
        Cluster c = cluster(RoutingConfig.defaults(), 1, 1);
        c.replicas().get(0).checked(Backend.Health.UP, Lsn.parse("0/3000000"), 0, 0, "");
        c.replicas().get(1).checked(Backend.Health.UP, Lsn.parse("0/1000000"), 0, 0, "");
        long written = Lsn.parse("0/2000000");
        assertEquals(Map.of("replica1", 20), spreadAt(c, written, 20), "only the replica that replayed the write");
        assertSame(c.primary(), c.forRead(Lsn.parse("0/4000000")), "none has: the primary");
    }

    private static Map<String, Integer> spreadAt(Cluster c, long lsn, int reads) {
        Map<String, Integer> n = new HashMap<>();
        for (int i = 0; i < reads; i++) {
            n.merge(c.forRead(lsn).name(), 1, Integer::sum);
        }
        return n;
    }

    @Test
    void lsnTextRoundTrips() {
        assertEquals(0x16B374D848L, Lsn.parse("16/B374D848"));
        assertEquals("16/B374D848", Lsn.format(0x16B374D848L));
        assertEquals(0, Lsn.parse(null));
        assertEquals(Duration.ZERO, RoutingConfig.defaults().maxReplicaLagTime());
    }
}
