package io.pgmux.admin;

import io.pgmux.config.AdminConfig;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.HostPort;
import io.pgmux.config.LimitsConfig;
import io.pgmux.config.LogConfig;
import io.pgmux.config.MetricsConfig;
import io.pgmux.config.PoolConfig;
import io.pgmux.config.RoutingConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.frontend.ClientSession;
import io.pgmux.pool.Pool;
import io.pgmux.server.Version;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * SHOW CONFIG, USERS, LISTS, VERSION and HELP. Nothing here shows a password, hash or verifier:
 * users are listed by name and method, backend URLs with the password as {@code ***}.
 */
final class ConfigViews {
    private ConfigViews() {
    }

    /** Every setting with its value, its built-in default and whether SET can change it. */
    static ResultTable config(ProxyConfig c) {
        ProxyConfig d = ProxyConfig.defaults();
        ResultTable.Builder t = ResultTable.builder("key", "value", "default", "changeable");
        t.row("listen", c.listen(), d.listen(), "no");
        t.row("unix_socket_dir", c.unixSocketDir(), null, "no");
        t.row("workers", c.workers(), d.workers(), "no");
        t.row("transport", c.transport().configName(), d.transport().configName(), "no");
        t.row("shutdown_timeout", duration(c.shutdownTimeout()), duration(d.shutdownTimeout()), "no");
        AdminConfig da = AdminConfig.defaults();
        t.row("admin.listen", listen(c.admin().listen()), listen(da.listen()), "no");
        t.row("admin.users", c.admin().users(), da.users(), "no");
        t.row("metrics.listen", listen(c.metrics().listen()), listen(MetricsConfig.defaults().listen()), "no");
        LimitsConfig l = c.limits();
        LimitsConfig dl = LimitsConfig.defaults();
        t.row("limits.max_client_connections", l.maxClientConnections(), dl.maxClientConnections(), "yes");
        t.row("limits.query_wait_timeout", duration(l.queryWaitTimeout()), duration(dl.queryWaitTimeout()), "yes");
        t.row("limits.max_message_size", l.maxMessageSize(), dl.maxMessageSize(), "no");
        t.row("limits.auth_timeout", duration(l.authTimeout()), duration(dl.authTimeout()), "no");
        t.row("limits.auth_failure_delay", duration(l.authFailureDelay()), duration(dl.authFailureDelay()), "no");
        t.row("limits.max_unauthenticated_connections", l.maxUnauthenticatedConnections(),
                dl.maxUnauthenticatedConnections(), "no");
        t.row("limits.max_client_prepared_statements", l.maxClientPreparedStatements(),
                dl.maxClientPreparedStatements(), "no");
        t.row("limits.query_timeout", duration(l.queryTimeout()), duration(dl.queryTimeout()), "no");
        t.row("limits.idle_transaction_timeout", duration(l.idleTransactionTimeout()),
                duration(dl.idleTransactionTimeout()), "no");
        t.row("limits.client_idle_timeout", duration(l.clientIdleTimeout()), duration(dl.clientIdleTimeout()), "no");
        LogConfig g = c.log();
        LogConfig dg = LogConfig.defaults();
        t.row("log.level", g.level(), dg.level(), "yes");
        t.row("log.format", g.format().configName(), dg.format().configName(), "no");
        t.row("log.queries", g.queries(), dg.queries(), "yes");
        t.row("log.slow_query_threshold", duration(g.slowQueryThreshold()), duration(dg.slowQueryThreshold()), "yes");
        // file names only: the files' contents (keys) are never shown
        io.pgmux.config.TlsConfig s = c.tls();
        io.pgmux.config.TlsConfig ds = io.pgmux.config.TlsConfig.defaults();
        t.row("tls.client_mode", s.clientMode().configName(), ds.clientMode().configName(), "no");
        t.row("tls.cert_file", s.certFile(), null, "no");
        t.row("tls.key_file", s.keyFile(), null, "no");
        t.row("tls.server_mode", s.serverMode().configName(), ds.serverMode().configName(), "no");
        t.row("tls.ca_file", s.caFile(), null, "no");
        t.row("tls.client_ca_file", s.clientCaFile(), null, "no");
        c.authQueryConfig().ifPresent(q -> {
            t.row("auth_query.user", q.user(), null, "no");
            t.row("auth_query.password", q.password() == null ? null : "***", null, "no"); // never the value
            t.row("auth_query.query", q.query(), io.pgmux.config.AuthQueryConfig.DEFAULT_QUERY, "no");
            t.row("auth_query.cache_ttl", duration(q.cacheTtl()), duration(io.pgmux.config.AuthQueryConfig.DEFAULT_CACHE_TTL), "no");
            t.row("auth_query.database", q.database(), null, "no");
        });
        PoolConfig dp = PoolConfig.defaults();
        for (DatabaseConfig db : c.databases().values()) {
            String k = "databases." + db.name() + ".";
            PoolConfig p = db.pool();
            t.row(k + "pool.mode", p.mode().configName(), dp.mode().configName(), "no");
            t.row(k + "pool.size", p.size(), dp.size(), "yes");
            t.row(k + "pool.min_idle", p.minIdle(), dp.minIdle(), "no");
            t.row(k + "pool.max_lifetime", duration(p.maxLifetime()), duration(dp.maxLifetime()), "no");
            t.row(k + "pool.idle_timeout", duration(p.idleTimeout()), duration(dp.idleTimeout()), "no");
            t.row(k + "pool.connect_timeout", duration(p.connectTimeout()), duration(dp.connectTimeout()), "no");
            t.row(k + "pool.server_reset_query", p.serverResetQuery(), dp.serverResetQuery(), "no");
            t.row(k + "pool.max_prepared_statements", p.maxPreparedStatements(), dp.maxPreparedStatements(), "no");
            t.row(k + "pool.track_extra_parameters", p.trackExtraParameters(), dp.trackExtraParameters(), "no");
            t.row(k + "on_session_state", db.onSessionState().name().toLowerCase(java.util.Locale.ROOT),
                    DatabaseConfig.DEFAULT_ON_SESSION_STATE.name().toLowerCase(java.util.Locale.ROOT), "no");
            // BackendUrl.toString shows the password as ***
            t.row(k + "primary", db.primary(), null, "no");
            t.row(k + "replicas", db.replicas(), List.of(), "no");
            if (!db.replicas().isEmpty()) {
                t.row(k + "replica_weights", db.replicaWeights(), null, "no");
            }
            if (db.isSharded()) {
                sharding(t, k, db);
            }
            if (db.isSharded() || !db.replicas().isEmpty()) {
                routing(t, k + "routing.", db.routing());
            }
        }
        // the two settings pgbouncer_exporter reads from SHOW CONFIG, under PgBouncer's names
        t.row("max_client_conn", l.maxClientConnections(), dl.maxClientConnections(), "yes");
        t.row("max_user_connections", 0, 0, "no");
        return t.build();
    }

    /** The sharding: block and the shards of a sharded database (RELOAD applies changes). */
    private static void sharding(ResultTable.Builder t, String k, DatabaseConfig db) {
        io.pgmux.config.ShardingConfig s = db.sharding().orElseThrow();
        io.pgmux.config.ShardingConfig d = io.pgmux.config.ShardingConfig.defaults();
        t.row(k + "sharding.function", name(s.function()), name(d.function()), "no");
        t.row(k + "sharding.key_type", name(s.keyType()), name(d.keyType()), "no");
        t.row(k + "sharding.tables", s.tables(), d.tables(), "no");
        t.row(k + "sharding.default_column", s.defaultColumn().orElse(null), null, "no");
        t.row(k + "sharding.no_key", name(s.noKey()), name(d.noKey()), "no");
        t.row(k + "sharding.max_scatter_rows", s.maxScatterRows(), d.maxScatterRows(), "no");
        for (int i = 0; i < db.shards().size(); i++) {
            io.pgmux.config.ShardConfig shard = db.shards().get(i);
            t.row(k + "shards[" + i + "].primary", shard.primary(), null, "no");
            t.row(k + "shards[" + i + "].replicas", shard.replicas(), List.of(), "no");
        }
    }

    /** The routing: block of a database with replicas or shards (RELOAD applies changes, SET does not). */
    private static void routing(ResultTable.Builder t, String k, RoutingConfig r) {
        RoutingConfig d = RoutingConfig.defaults();
        t.row(k + "autocommit_selects", name(r.autocommitSelects()), name(d.autocommitSelects()), "no");
        t.row(k + "balance", name(r.balance()), name(d.balance()), "no");
        t.row(k + "fallback_to_primary", r.fallbackToPrimary(), d.fallbackToPrimary(), "no");
        t.row(k + "primary_reads", name(r.primaryReads()), name(d.primaryReads()), "no");
        t.row(k + "max_replica_lag", r.maxReplicaLagBytes() > 0 ? r.maxReplicaLagBytes() + " bytes"
                : duration(r.maxReplicaLagTime()), d.maxReplicaLagBytes() + " bytes", "no");
        t.row(k + "consistency", name(r.consistency()), name(d.consistency()), "no");
        t.row(k + "ryw_timeout", duration(r.rywTimeout()), duration(d.rywTimeout()), "no");
        t.row(k + "health_check_interval", duration(r.healthCheckInterval()), duration(d.healthCheckInterval()), "no");
        t.row(k + "health_check_timeout", duration(r.healthCheckTimeout()), duration(d.healthCheckTimeout()), "no");
        t.row(k + "retry_reads", r.retryReads(), d.retryReads(), "no");
        t.row(k + "deny_functions", r.denyFunctions(), d.denyFunctions(), "no");
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** PgBouncer's columns (no per-user overrides in pgmux: NULL, limits 0 = none), then auth and admin. */
    static ResultTable users(ProxyConfig c, Collection<Pool> pools, Collection<ClientSession> clients) {
        ResultTable.Builder t = ResultTable.builder("name", "pool_size", "reserve_pool_size", "pool_mode",
                "max_user_connections", "current_connections", "max_user_client_connections",
                "current_client_connections", "auth", "admin");
        for (UserConfig u : c.users()) {
            long servers = pools.stream().filter(p -> p.key().user().equals(u.name()))
                    .mapToLong(p -> p.counts().serversActive() + p.counts().serversIdle()).sum();
            long clientCount = clients.stream().filter(s -> s.user().equals(u.name())).count();
            t.row(u.name(), null, null, null, 0, servers, 0, clientCount, u.auth().configName(),
                    c.admin().users().contains(u.name()) ? "yes" : "no");
        }
        return t.build();
    }

    /**
     * PgBouncer's list sizes. pgmux keeps no free lists and no DNS cache (Netty resolves): those
     * rows are 0. login_clients counts connections still logging in.
     */
    static ResultTable lists(ProxyConfig c, Collection<Pool> pools, int connections, int sessions, int admins) {
        long servers = pools.stream().mapToLong(p -> p.counts().serversActive() + p.counts().serversIdle()).sum();
        return ResultTable.builder("list", "items")
                .row("databases", c.databases().size())
                .row("users", c.users().size())
                .row("pools", pools.size())
                .row("free_clients", 0)
                .row("used_clients", sessions + admins)
                .row("login_clients", Math.max(0, connections - sessions - admins))
                .row("free_servers", 0)
                .row("used_servers", servers)
                .row("dns_names", 0)
                .row("dns_zones", 0)
                .row("dns_queries", 0)
                .row("dns_pending", 0)
                .build();
    }

    static ResultTable version() {
        return ResultTable.builder("version").row("pgmux " + Version.get()).build();
    }

    static ResultTable help() {
        ResultTable.Builder t = ResultTable.builder("command", "description");
        for (AdminCommand.Verb v : AdminCommand.Verb.values()) {
            t.row(v.syntax(), v.description());
        }
        return t.build();
    }

    /** As the configuration file writes it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 0}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static String listen(HostPort h) {
        return h == null ? "off" : h.toString();
    }
}
