package io.pgmux.admin;

import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.LimitsConfig;
import io.pgmux.config.LogConfig;
import io.pgmux.config.PoolConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.Units;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * SET key = value: the configuration with one run-time setting changed, checked by the same rules
 * as the file. Keys are the configuration's paths ({@code log.level},
 * {@code databases.app.pool.size}); PgBouncer's names for the same settings are accepted too.
 */
final class SettingChange {
    /** What SET can change, for errors and docs; {@code databases.<db>.pool.size} stands for each database. */
    static final List<String> CHANGEABLE = List.of("log.level", "log.queries", "log.slow_query_threshold",
            "limits.query_wait_timeout", "limits.max_client_connections", "databases.<db>.pool.size");
    /** Session settings clients send out of habit; PgBouncer answers them with "SET ignored" too. */
    static final Set<String> IGNORED = Set.of("client_encoding", "datestyle", "timezone", "standard_conforming_strings",
            "application_name", "extra_float_digits", "default_transaction_isolation");
    private static final Map<String, String> ALIASES = Map.of(
            "max_client_conn", "limits.max_client_connections",
            "query_wait_timeout", "limits.query_wait_timeout",
            "log_level", "log.level",
            "default_pool_size", "databases.*.pool.size");
    private static final Set<String> RESTART_ONLY = Set.of("listen", "workers", "transport", "admin.listen", "metrics.listen",
            "log.format", "limits.max_message_size");

    private SettingChange() {
    }

    /** True for a session setting that SET accepts and ignores. */
    static boolean ignored(String key) {
        return IGNORED.contains(key);
    }

    /**
     * @throws PgException 42704 for an unknown key, 55P02 for a key that needs a restart or RELOAD,
     *                     22023 for a value the key does not accept
     */
    static ProxyConfig apply(ProxyConfig c, String key, String value) {
        String k = ALIASES.getOrDefault(key, key);
        LogConfig g = c.log();
        LimitsConfig l = c.limits();
        switch (k) {
            case "log.level" -> {
                String level = LogConfig.levelFromConfigName(value).orElseThrow(() -> invalid(key, value,
                        "expected one of " + String.join(", ", LogConfig.LEVELS)));
                return withLog(c, new LogConfig(level, g.format(), g.queries(), g.slowQueryThreshold()));
            }
            case "log.queries" -> {
                return withLog(c, new LogConfig(g.level(), g.format(), parse(key, value, Units::parseBoolean),
                        g.slowQueryThreshold()));
            }
            case "log.slow_query_threshold" -> {
                return withLog(c, new LogConfig(g.level(), g.format(), g.queries(),
                        parse(key, value, Units::parseDuration)));
            }
            case "limits.query_wait_timeout" -> {
                Duration d = parse(key, value, Units::parseDuration);
                return withLimits(c, l.withQueryWaitTimeout(d));
            }
            case "limits.max_client_connections" -> {
                int n = parse(key, value, Units::parseInt);
                if (n < 1) {
                    throw invalid(key, value, "must be at least 1");
                }
                return withLimits(c, l.withMaxClientConnections(n));
            }
            default -> {
                if (k.startsWith("databases.") && k.endsWith(".pool.size")) {
                    String db = k.substring("databases.".length(), k.length() - ".pool.size".length());
                    return withPoolSize(c, db, key, value);
                }
                if (RESTART_ONLY.contains(k) || k.startsWith("databases.") || k.startsWith("admin.")
                        || k.startsWith("limits.") || k.startsWith("users")) {
                    throw new PgException(PgError.error("55P02", "parameter \"" + key + "\" cannot be changed with SET")
                            .withHint("change it in the configuration file, then RELOAD (listen addresses, "
                                    + "workers and transport need a restart); SET changes " + String.join(", ", CHANGEABLE)));
                }
                throw new PgException(PgError.error(SqlState.UNDEFINED_OBJECT,
                        "unrecognized configuration parameter \"" + key + "\"")
                        .withHint("SET changes " + String.join(", ", CHANGEABLE)));
            }
        }
    }

    private static ProxyConfig withPoolSize(ProxyConfig c, String db, String key, String value) {
        int size = parse(key, value, Units::parseInt);
        if (!db.equals("*") && c.database(db).isEmpty()) {
            throw new PgException(PgError.error(SqlState.UNDEFINED_OBJECT, "no such database: \"" + db + "\""));
        }
        Map<String, DatabaseConfig> dbs = new LinkedHashMap<>();
        for (DatabaseConfig d : c.databases().values()) {
            if (db.equals("*") || d.name().equals(db)) {
                PoolConfig p = d.pool();
                if (size < 1 || size < p.minIdle()) {
                    throw invalid(key, value, "must be at least 1 and at least min_idle (" + p.minIdle() + ") of "
                            + d.name());
                }
                p = new PoolConfig(p.mode(), size, p.minIdle(), p.maxLifetime(), p.idleTimeout(), p.connectTimeout(),
                        p.serverResetQuery(), p.maxPreparedStatements(), p.trackExtraParameters());
                d = d.withPool(p); // keeps replicas, weights, routing and shards
            }
            dbs.put(d.name(), d);
        }
        return new ProxyConfig(c.listen(), c.workers(), c.transport(), c.shutdownTimeout(), c.admin(), c.metrics(), c.limits(),
                c.log(), c.tls(), c.authQuery(), c.users(), dbs, c.source(), c.hba(), c.unixSocketDir());
    }

    private static ProxyConfig withLog(ProxyConfig c, LogConfig log) {
        return new ProxyConfig(c.listen(), c.workers(), c.transport(), c.shutdownTimeout(), c.admin(), c.metrics(), c.limits(), log,
                c.tls(), c.authQuery(), c.users(), c.databases(), c.source(), c.hba(), c.unixSocketDir());
    }

    private static ProxyConfig withLimits(ProxyConfig c, LimitsConfig limits) {
        return new ProxyConfig(c.listen(), c.workers(), c.transport(), c.shutdownTimeout(), c.admin(), c.metrics(), limits, c.log(),
                c.tls(), c.authQuery(), c.users(), c.databases(), c.source(), c.hba(), c.unixSocketDir());
    }

    private static <T> T parse(String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value.strip());
        } catch (IllegalArgumentException e) {
            throw invalid(key, value, e.getMessage());
        }
    }

    private static PgException invalid(String key, String value, String why) {
        return new PgException(PgError.error(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + key + "\": \"" + value + "\"").withDetail(why));
    }
}
