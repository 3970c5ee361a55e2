package io.pgmux.server;

import io.netty.channel.EventLoopGroup;
import io.pgmux.backend.ServerConnector;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.health.BackendHealth;
import io.pgmux.pool.PoolKey;
import io.pgmux.routing.Cluster;
import io.pgmux.routing.ClusterMonitor;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The {@link Cluster} of every database that has replicas, each with its {@link ClusterMonitor}.
 * A RELOAD that keeps a database's servers only changes its routing rules; one that changes them
 * replaces the cluster (clients connected before keep routing over the old one's servers).
 */
final class Clusters {
    private static final Logger LOG = Logger.getLogger(Clusters.class.getName());

    private record Entry(Cluster cluster, ClusterMonitor monitor) {
    }

    private final Map<String, Entry> byDatabase = new ConcurrentHashMap<>();
    private ServerConnector connector;
    private EventLoopGroup loops;

    synchronized void start(ProxyConfig config, ServerConnector connector, EventLoopGroup loops) {
        this.connector = connector;
        this.loops = loops;
        apply(config);
    }

    /** Brings the clusters in line with {@code config} (start, RELOAD). */
    synchronized void apply(ProxyConfig config) {
        for (String name : byDatabase.keySet()) {
            DatabaseConfig db = config.databases().get(name);
            if (db == null || db.replicas().isEmpty()) {
                remove(name);
            }
        }
        for (DatabaseConfig db : config.databases().values()) {
            if (db.replicas().isEmpty()) {
                continue;
            }
            Entry e = byDatabase.get(db.name());
            if (e != null && e.cluster().sameServers(db)) {
                e.cluster().updateRouting(db.routing());
                continue;
            }
            remove(db.name());
            Cluster cluster = new Cluster(db);
            ClusterMonitor monitor = new ClusterMonitor(cluster, connector, loops.next(),
                    b -> BackendHealth.probeTarget(b.url(), config.users()));
            byDatabase.put(db.name(), new Entry(cluster, monitor));
            monitor.start();
            LOG.info(() -> "database " + db.name() + ": read/write splitting over " + cluster.replicas().size()
                    + " replica(s), " + db.routing().balance().name().toLowerCase(java.util.Locale.ROOT)
                    + ", consistency " + db.routing().consistency().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private void remove(String database) {
        Entry e = byDatabase.remove(database);
        if (e != null) {
            e.monitor().stop();
        }
    }

    Cluster cluster(String database) {
        Entry e = byDatabase.get(database);
        return e == null ? null : e.cluster();
    }

    Collection<Cluster> all() {
        return byDatabase.values().stream().map(Entry::cluster).toList();
    }

    synchronized void stop() {
        byDatabase.keySet().forEach(this::remove);
    }

    /** The URL of the server a pool's key names ({@code primary}, {@code replica2}...), or null when gone. */
    static BackendUrl urlOf(DatabaseConfig db, String backend) {
        if (PoolKey.PRIMARY.equals(backend)) {
            return db.primary();
        }
        if (backend.startsWith("replica")) {
            int n = Integer.parseInt(backend.substring("replica".length()));
            return n >= 1 && n <= db.replicas().size() ? db.replicas().get(n - 1) : null;
        }
        return null;
    }
}
