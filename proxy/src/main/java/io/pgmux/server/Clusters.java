package io.pgmux.server;

import io.netty.channel.EventLoopGroup;
import io.pgmux.backend.ServerConnector;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.ShardConfig;
import io.pgmux.health.BackendHealth;
import io.pgmux.pool.PoolKey;
import io.pgmux.routing.Cluster;
import io.pgmux.routing.ClusterMonitor;
import io.pgmux.sharding.ShardedDatabase;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@link Cluster}s of every database that has replicas or shards (one per shard), each with its
 * {@link ClusterMonitor}. A RELOAD that keeps a database's servers only changes its routing rules;
 * one that changes them replaces the clusters (clients connected before keep routing over the old
 * ones' servers).
 */
final class Clusters {
    private static final Logger LOG = Logger.getLogger(Clusters.class.getName());

    /** @param sharding the database's sharding rules; null when it is not sharded */
    private record Entry(List<Cluster> shards, List<ClusterMonitor> monitors, ShardedDatabase sharding) {
        boolean sameServers(DatabaseConfig db) {
            if (db.shards().size() != shards.size()) {
                return false;
            }
            return shards.stream().allMatch(c -> c.sameServers(db));
        }
    }

    private final Map<String, Entry> byDatabase = new ConcurrentHashMap<>();
    /** Databases with one server: watched by a monitor, not routed. */
    private final Map<String, Plain> plain = new ConcurrentHashMap<>();

    private record Plain(Cluster cluster, ClusterMonitor monitor) {
    }
    private final io.pgmux.resilience.Breakers breakers;
    private ServerConnector connector;
    private EventLoopGroup loops;

    Clusters(io.pgmux.resilience.Breakers breakers) {
        this.breakers = breakers;
    }

    synchronized void start(ProxyConfig config, ServerConnector connector, EventLoopGroup loops) {
        this.connector = connector;
        this.loops = loops;
        apply(config);
    }

    /** Whether pgmux chooses among several servers for {@code db}: replicas, or shards. */
    private static boolean routed(DatabaseConfig db) {
        return db.isSharded() || !db.replicas().isEmpty();
    }

    /** Brings the clusters in line with {@code config} (start, RELOAD). */
    synchronized void apply(ProxyConfig config) {
        for (String name : plain.keySet()) {
            DatabaseConfig db = config.databases().get(name);
            if (db == null || routed(db) || !plain.get(name).cluster().sameServers(db)) {
                plain.remove(name).monitor().stop();
            }
        }
        for (DatabaseConfig db : config.databases().values()) {
            if (!routed(db)) {
                watchPlain(db, config);
            }
        }
        for (String name : byDatabase.keySet()) {
            DatabaseConfig db = config.databases().get(name);
            if (db == null || !routed(db)) {
                remove(name);
            }
        }
        for (DatabaseConfig db : config.databases().values()) {
            if (!routed(db)) {
                continue;
            }
            Entry e = byDatabase.get(db.name());
            if (e != null && e.sameServers(db)) {
                e.shards().forEach(c -> c.updateRouting(db.routing()));
                e.shards().forEach(c -> guard(db, c));
                byDatabase.put(db.name(), new Entry(e.shards(), e.monitors(), shardingOf(db)));
                continue;
            }
            remove(db.name());
            List<Cluster> shards = new ArrayList<>();
            List<ClusterMonitor> monitors = new ArrayList<>();
            for (int i = 0; i < db.shards().size(); i++) {
                Cluster cluster = new Cluster(db, i);
                guard(db, cluster);
                shards.add(cluster);
                monitors.add(new ClusterMonitor(cluster, connector, loops.next(),
                        b -> BackendHealth.probeTarget(b.url(), config.users())));
            }
            byDatabase.put(db.name(), new Entry(List.copyOf(shards), List.copyOf(monitors), shardingOf(db)));
            monitors.forEach(ClusterMonitor::start);
            LOG.info(() -> "database " + db.name() + ": "
                    + (db.isSharded() ? db.shards().size() + " shards, " : "")
                    + "read/write splitting over " + db.shards().stream().mapToInt(s -> s.replicas().size()).sum()
                    + " replica(s), " + db.routing().balance().name().toLowerCase(java.util.Locale.ROOT)
                    + ", consistency " + db.routing().consistency().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * A plain database's one server: its breaker exists from the start (SHOW BREAKERS lists it),
     * and it gets health checks like a routed database's servers, feeding that breaker and
     * {@code /health/ready}. Its cluster is only watched, never routed over.
     */
    private void watchPlain(DatabaseConfig db, ProxyConfig config) {
        Plain p = plain.get(db.name());
        if (p == null) {
            Cluster cluster = new Cluster(db, 0);
            p = new Plain(cluster, new ClusterMonitor(cluster, connector, loops.next(),
                    b -> BackendHealth.probeTarget(b.url(), config.users())));
            plain.put(db.name(), p);
            guard(db, cluster);
            p.monitor().start();
        } else {
            p.cluster().updateRouting(db.routing());
            guard(db, p.cluster());
        }
    }

    /** Gives each server of {@code cluster} its breaker (a new one when the database's breaker: block changed). */
    private void guard(DatabaseConfig db, Cluster cluster) {
        for (io.pgmux.routing.Backend b : cluster.backends()) {
            b.breaker(breakers.of(db.name(), b.name(), b.url().hostPort(), db.breaker()));
        }
    }

    private static ShardedDatabase shardingOf(DatabaseConfig db) {
        return db.isSharded() ? new ShardedDatabase(db) : null;
    }

    private void remove(String database) {
        Entry e = byDatabase.remove(database);
        if (e != null) {
            e.monitors().forEach(ClusterMonitor::stop);
        }
    }

    /** One cluster per shard of {@code database}; empty when it has neither replicas nor shards. */
    List<Cluster> shards(String database) {
        Entry e = byDatabase.get(database);
        return e == null ? List.of() : e.shards();
    }

    /** The sharding rules of {@code database}, or null when it is not sharded. */
    ShardedDatabase sharding(String database) {
        Entry e = byDatabase.get(database);
        return e == null ? null : e.sharding();
    }

    Collection<Cluster> all() {
        return byDatabase.values().stream().flatMap(e -> e.shards().stream()).toList();
    }

    synchronized void stop() {
        byDatabase.keySet().forEach(this::remove);
        plain.values().forEach(p -> p.monitor().stop());
        plain.clear();
    }

    /** The clusters whose monitor watches {@code database}'s servers: one per shard, or a plain database's one. */
    List<Cluster> watched(String database) {
        Plain p = plain.get(database);
        return p != null ? List.of(p.cluster()) : shards(database);
    }

    /**
     * The URL of the server a pool's key names ({@code primary}, {@code replica2}, {@code shard1},
     * {@code shard1-replica2}), or null when gone.
     */
    static BackendUrl urlOf(DatabaseConfig db, String backend) {
        if (PoolKey.PRIMARY.equals(backend)) {
            return db.isSharded() ? null : db.primary();
        }
        if (backend.startsWith("replica")) {
            return db.isSharded() ? null : replica(db.shards().get(0), backend.substring("replica".length()));
        }
        if (!db.isSharded() || !backend.startsWith("shard")) {
            return null;
        }
        int dash = backend.indexOf("-replica");
        int shard = parse(backend.substring("shard".length(), dash < 0 ? backend.length() : dash));
        if (shard < 0 || shard >= db.shards().size()) {
            return null;
        }
        ShardConfig s = db.shards().get(shard);
        return dash < 0 ? s.primary() : replica(s, backend.substring(dash + "-replica".length()));
    }

    private static BackendUrl replica(ShardConfig s, String number) {
        int n = parse(number);
        return n >= 1 && n <= s.replicas().size() ? s.replicas().get(n - 1) : null;
    }

    private static int parse(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
