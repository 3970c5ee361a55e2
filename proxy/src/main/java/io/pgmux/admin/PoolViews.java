package io.pgmux.admin;

import io.pgmux.backend.ServerConnection;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.frontend.ClientSession;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolStats;
import io.pgmux.pool.ServerSnapshot;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** SHOW POOLS, SHOW DATABASES and SHOW PREPARED: one row per pool or per database. */
final class PoolViews {
    private PoolViews() {
    }

    /** PgBouncer's columns; the cancel and used/tested columns are 0 (pgmux has no such states). */
    static ResultTable pools(List<PoolState> states, Collection<ClientSession> clients) {
        ResultTable.Builder t = ResultTable.builder("database", "user", "cl_active", "cl_waiting",
                "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel",
                "sv_being_canceled", "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us",
                "pool_mode", "load_balance_hosts");
        long now = System.nanoTime();
        for (PoolState s : states) {
            Pool pool = s.pool();
            int active = 0;
            int waiting = 0;
            for (ClientSession c : clients) {
                if (c.pool() == pool) {
                    switch (c.state()) {
                        case IDLE, ACTIVE -> active++; // PgBouncer: linked to a server or idle with nothing to run
                        case WAITING -> waiting++;
                        case CLOSED -> {
                        }
                    }
                }
            }
            long maxWait = s.maxWaitMicros(now);
            t.row(pool.key().databaseLabel(), pool.key().user(), active, waiting, 0, 0,
                    s.count(ServerConnection.State.ACTIVE), 0, 0, s.count(ServerConnection.State.IDLE), 0, 0,
                    s.opening(), maxWait / 1_000_000, maxWait % 1_000_000,
                    pool.settings().mode().name().toLowerCase(Locale.ROOT), null);
        }
        return t.build();
    }

    /**
     * PgBouncer's columns. pgmux has no reserve pool, per-database connection limits or DISABLE:
     * those columns are 0 (PgBouncer's "none"). The pool size is per (database, user) pool.
     */
    static ResultTable databases(ProxyControl control, List<PoolState> states, Collection<ClientSession> clients) {
        ResultTable.Builder t = ResultTable.builder("name", "host", "port", "database", "force_user", "pool_size",
                "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
                "max_connections", "current_connections", "max_client_connections", "current_client_connections",
                "paused", "disabled");
        ProxyConfig config = control.config();
        for (String name : databaseNames(config, states)) {
            DatabaseConfig db = config.databases().get(name);
            long servers = states.stream().filter(s -> s.pool().key().database().equals(name))
                    .mapToLong(s -> s.servers().size()).sum();
            long clientCount = clients.stream().filter(c -> c.database().equals(name)).count();
            boolean paused = control.isPaused(name);
            if (db == null) {
                // removed by a RELOAD; its pools serve the clients that were connected
                t.row(name, null, null, null, null, null, null, 0, null, null, null, 0, servers, 0, clientCount,
                        Formats.flag(paused), 0);
                continue;
            }
            // a sharded database: a row per shard, named as its pools are (orders@shard1)
            for (int i = 0; i < db.shards().size(); i++) {
                io.pgmux.config.BackendUrl primary = db.shards().get(i).primary();
                String shard = "shard" + i;
                long shardServers = !db.isSharded() ? servers : states.stream()
                        .filter(s -> s.pool().key().database().equals(name) && (s.pool().key().backend().equals(shard)
                                || s.pool().key().backend().startsWith(shard + "-")))
                        .mapToLong(s -> s.servers().size()).sum();
                t.row(db.isSharded() ? name + "@" + shard : name, primary.host(), primary.port(), primary.database(),
                        primary.user(), db.pool().size(), db.pool().minIdle(), 0, db.pool().maxLifetime().toSeconds(),
                        db.pool().mode().configName(), null, 0, shardServers, 0, clientCount, Formats.flag(paused), 0);
            }
        }
        return t.build();
    }

    /** pgmux's own: the transaction-mode statement cache of each pool, with hit rate. */
    static ResultTable prepared(List<PoolState> states) {
        ResultTable.Builder t = ResultTable.builder("database", "user", "pool_mode", "max_prepared_statements",
                "server_connections", "cached_statements", "hits", "misses", "evictions", "hit_rate");
        for (PoolState s : states) {
            Pool pool = s.pool();
            PoolStats st = pool.stats();
            long hits = st.preparedHits.sum();
            long misses = st.preparedMisses.sum();
            long cached = s.servers().stream().mapToLong(ServerSnapshot::preparedStatements).sum();
            String rate = hits + misses == 0 ? null : String.format(Locale.ROOT, "%.4f", (double) hits / (hits + misses));
            t.row(pool.key().databaseLabel(), pool.key().user(), pool.settings().mode().name().toLowerCase(Locale.ROOT),
                    pool.settings().maxPreparedStatements(), s.servers().size(), cached, hits, misses,
                    st.preparedEvictions.sum(), rate);
        }
        return t.build();
    }

    /** Configured databases in file order, then any that only live on in pools (removed by RELOAD). */
    static Set<String> databaseNames(ProxyConfig config, List<PoolState> states) {
        Set<String> names = new LinkedHashSet<>(config.databases().keySet());
        for (PoolState s : states) {
            names.add(s.pool().key().database());
        }
        return names;
    }
}
