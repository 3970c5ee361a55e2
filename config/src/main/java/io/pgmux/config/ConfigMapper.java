package io.pgmux.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The schema: which keys exist where, their types and defaults. Turns the YAML tree into records,
 * reporting unknown keys, wrong types and missing required keys; value ranges and cross-references
 * are {@link ConfigValidator}'s job.
 */
final class ConfigMapper {

    static final List<String> ROOT_KEYS = List.of("listen", "workers", "transport", "shutdown_timeout", "admin", "metrics",
            "limits", "log", "tls", "auth_query", "pool_defaults", "breaker_defaults", "users", "databases", "hba",
            "unix_socket_dir");
    static final List<String> ADMIN_KEYS = List.of("listen", "users");
    static final List<String> METRICS_KEYS = List.of("listen");
    static final List<String> LIMITS_KEYS = List.of("max_client_connections", "query_wait_timeout",
            "max_message_size", "auth_timeout", "max_client_prepared_statements", "query_timeout",
            "idle_transaction_timeout", "client_idle_timeout", "max_unauthenticated_connections", "auth_failure_delay");
    static final List<String> TLS_KEYS = List.of("client_mode", "cert_file", "key_file", "server_mode", "ca_file",
            "client_ca_file", "server_cert_file", "server_key_file");
    static final List<String> LOG_KEYS = List.of("level", "format", "queries", "slow_query_threshold");
    static final List<String> AUTH_QUERY_KEYS = List.of("user", "password", "query", "cache_ttl", "database");
    static final List<String> HBA_KEYS = List.of("user", "database", "address", "action");
    static final List<String> USER_KEYS = List.of("name", "password", "auth", "max_client_connections");
    static final List<String> DATABASE_KEYS = List.of("pool", "primary", "replicas", "on_session_state", "routing",
            "sharding", "shards", "breaker", "max_client_connections");
    static final List<String> REPLICA_KEYS = List.of("url", "weight");
    static final List<String> SHARDING_KEYS = List.of("function", "tables", "default_column", "key_type", "no_key",
            "max_scatter_rows");
    static final List<String> SHARD_KEYS = List.of("primary", "replicas");
    static final List<String> ROUTING_KEYS = List.of("autocommit_selects", "balance", "fallback_to_primary",
            "primary_reads", "max_replica_lag", "consistency", "ryw_timeout", "health_check_interval",
            "health_check_timeout", "retry_reads", "deny_functions");
    static final List<String> POOL_KEYS = List.of("mode", "size", "min_idle", "max_lifetime", "idle_timeout",
            "connect_timeout", "server_reset_query", "max_prepared_statements", "track_extra_parameters");
    static final List<String> BREAKER_KEYS = List.of("enabled", "failure_threshold", "failure_rate", "window",
            "minimum_calls", "slow_call_threshold", "open_timeout", "max_open_timeout", "half_open_probes");

    private static final List<String> POOL_MODES = ConfigNames.all(PoolMode.values(), PoolMode::configName);
    private static final List<String> LOG_FORMATS = ConfigNames.all(LogFormat.values(), LogFormat::configName);
    private static final List<String> AUTH_METHODS = ConfigNames.all(AuthMethod.values(), AuthMethod::configName);
    private static final List<String> TRANSPORTS = ConfigNames.all(TransportKind.values(), TransportKind::configName);
    private static final List<String> SESSION_STATE_POLICIES = ConfigNames.all(SessionStatePolicy.values(), SessionStatePolicy::configName);
    private static final Set<String> DISABLED = Set.of("", "off", "false");
    /** A number with a time unit ({@code 10s}, {@code 500ms}, {@code -5s}); anything else is read as a size. */
    private static final Pattern LAG_AS_TIME = Pattern.compile("[-+]?[0-9]+ ?(ms|s|m|h|d)");
    static final String EXPECTED_REPLICA_LAG = "expected a size like 16MB or a duration like 10s";

    /**
     * The mapped configuration plus the merged {@code pool_defaults} and {@code breaker_defaults}, which
     * the validator checks too.
     */
    record Result(ProxyConfig config, PoolConfig poolDefaults, BreakerConfig breakerDefaults) {

        /** With the built-in breaker defaults. */
        Result(ProxyConfig config, PoolConfig poolDefaults) {
            this(config, poolDefaults, BreakerConfig.defaults());
        }
    }

    /** What a database entry inherits for the keys it leaves out. */
    private record Defaults(PoolConfig pool, BreakerConfig breaker) {
    }

    private ConfigMapper() {
    }

    /**
     * @param root the composed document, or {@code null} for an empty one
     */
    static Result map(Node root, String source, ReadContext context) {
        YamlNode document = new YamlNode(root, "", root == null ? Location.UNKNOWN : Location.of(root.getStartMark()),
                context);
        YamlMapping top = document.asMapping(ROOT_KEYS).orElseGet(() -> YamlMapping.of(document, List.of(), ROOT_KEYS));
        ProxyConfig base = ProxyConfig.defaults();
        PoolConfig poolDefaults = top.get("pool_defaults").flatMap(n -> n.asMapping(POOL_KEYS))
                .map(m -> pool(m, PoolConfig.defaults())).orElse(PoolConfig.defaults());
        BreakerConfig breakerDefaults = section(top, "breaker_defaults", BREAKER_KEYS)
                .map(m -> BreakerMapper.breaker(m, BreakerConfig.defaults())).orElse(BreakerConfig.defaults());
        Defaults defaults = new Defaults(poolDefaults, breakerDefaults);
        ProxyConfig config = new ProxyConfig(
                top.value("listen", HostPort::parse, base.listen()),
                top.integer("workers", base.workers()),
                top.choice("transport", TRANSPORTS, TransportKind::fromConfigName, base.transport()),
                top.duration("shutdown_timeout", base.shutdownTimeout()),
                section(top, "admin", ADMIN_KEYS).map(ConfigMapper::admin).orElse(base.admin()),
                section(top, "metrics", METRICS_KEYS).map(ConfigMapper::metrics).orElse(base.metrics()),
                section(top, "limits", LIMITS_KEYS).map(ConfigMapper::limits).orElse(base.limits()),
                section(top, "log", LOG_KEYS).map(ConfigMapper::log).orElse(base.log()),
                section(top, "tls", TLS_KEYS).map(ConfigMapper::tls).orElse(base.tls()),
                section(top, "auth_query", AUTH_QUERY_KEYS).flatMap(ConfigMapper::authQuery).orElse(null),
                top.get("users").flatMap(YamlNode::asList).map(ConfigMapper::users).orElse(List.of()),
                top.get("databases").flatMap(n -> n.asMapping(null)).map(m -> databases(m, defaults))
                        .orElse(Map.of()),
                source,
                top.get("hba").flatMap(YamlNode::asList).map(ConfigMapper::hba).orElse(List.of()),
                path(top, "unix_socket_dir"));
        return new Result(config, poolDefaults, breakerDefaults);
    }

    private static Optional<YamlMapping> section(YamlMapping parent, String key, List<String> keys) {
        return parent.get(key).flatMap(n -> n.asMapping(keys));
    }

    private static AdminConfig admin(YamlMapping m) {
        AdminConfig base = AdminConfig.defaults();
        return new AdminConfig(optionalListen(m, base.listen()), m.strings("users", base.users()));
    }

    private static MetricsConfig metrics(YamlMapping m) {
        return new MetricsConfig(optionalListen(m, MetricsConfig.DEFAULT_LISTEN));
    }

    /** A {@code listen} that {@code ""}, {@code off} or {@code false} turns off (giving {@code null}). */
    private static HostPort optionalListen(YamlMapping m, HostPort fallback) {
        Optional<YamlNode> node = m.get("listen");
        if (node.isEmpty()) {
            return fallback;
        }
        Optional<Optional<HostPort>> parsed = node.get().as(text -> DISABLED.contains(text.toLowerCase(Locale.ROOT))
                ? Optional.empty()
                : Optional.of(HostPort.parse(text)));
        return parsed.isPresent() ? parsed.get().orElse(null) : fallback;
    }

    private static LimitsConfig limits(YamlMapping m) {
        LimitsConfig base = LimitsConfig.defaults();
        // Saturating keeps a huge value huge, so the validator's range check still reports it.
        int maxMessageSize = (int) Math.min(Integer.MAX_VALUE,
                m.value("max_message_size", Units::parseSize, (long) base.maxMessageSize()));
        return new LimitsConfig(
                m.integer("max_client_connections", base.maxClientConnections()),
                m.duration("query_wait_timeout", base.queryWaitTimeout()),
                maxMessageSize,
                m.duration("auth_timeout", base.authTimeout()),
                m.integer("max_client_prepared_statements", base.maxClientPreparedStatements()),
                m.duration("query_timeout", base.queryTimeout()),
                m.duration("idle_transaction_timeout", base.idleTransactionTimeout()),
                m.duration("client_idle_timeout", base.clientIdleTimeout()),
                m.integer("max_unauthenticated_connections", base.maxUnauthenticatedConnections()),
                m.duration("auth_failure_delay", base.authFailureDelay()));
    }

    private static LogConfig log(YamlMapping m) {
        LogConfig base = LogConfig.defaults();
        return new LogConfig(
                m.choice("level", LogConfig.LEVELS, LogConfig::levelFromConfigName, base.level()),
                m.choice("format", LOG_FORMATS, LogFormat::fromConfigName, base.format()),
                m.bool("queries", base.queries()),
                m.duration("slow_query_threshold", base.slowQueryThreshold()));
    }

    private static TlsConfig tls(YamlMapping m) {
        TlsConfig base = TlsConfig.defaults();
        return new TlsConfig(
                m.choice("client_mode", ConfigNames.all(TlsConfig.ClientMode.values(), TlsConfig.ClientMode::configName),
                        TlsConfig.ClientMode::fromConfigName, base.clientMode()),
                path(m, "cert_file"),
                path(m, "key_file"),
                m.choice("server_mode", ConfigNames.all(TlsConfig.ServerMode.values(), TlsConfig.ServerMode::configName),
                        TlsConfig.ServerMode::fromConfigName, base.serverMode()),
                path(m, "ca_file"),
                path(m, "client_ca_file"),
                path(m, "server_cert_file"),
                path(m, "server_key_file"));
    }

    /** The {@code auth_query:} block; {@code user} is required. */
    private static Optional<AuthQueryConfig> authQuery(YamlMapping m) {
        Optional<String> user = m.require("user").flatMap(YamlNode::asString);
        // the password is always used as written: pgmux logs in with it (an empty one is no password)
        Secret password = m.get("password").flatMap(n -> n.as(t -> t.isEmpty() ? null : new Secret(Secret.Kind.PLAIN, t)))
                .orElse(null);
        String query = m.string("query", AuthQueryConfig.DEFAULT_QUERY);
        Duration ttl = m.duration("cache_ttl", AuthQueryConfig.DEFAULT_CACHE_TTL);
        String database = m.string("database", "");
        return user.map(u -> new AuthQueryConfig(u, password, query, ttl, database.isEmpty() ? null : database));
    }

    /** A file name, or null when absent or empty (an empty {@code ${VAR:-}} means no file). */
    private static java.nio.file.Path path(YamlMapping m, String key) {
        String text = m.string(key, "");
        return text.isEmpty() ? null : java.nio.file.Path.of(text);
    }

    private static List<UserConfig> users(List<YamlNode> items) {
        List<UserConfig> users = new ArrayList<>();
        for (YamlNode item : items) {
            item.asMapping(USER_KEYS).ifPresent(m -> {
                Optional<String> name = m.require("name").flatMap(YamlNode::asString);
                // An empty password is no password, as in PostgreSQL.
                Secret password = m.get("password").flatMap(n -> n.as(t -> t.isEmpty() ? null : Secret.of(t)))
                        .orElse(null);
                AuthMethod auth = m.choice("auth", AUTH_METHODS, AuthMethod::fromConfigName, UserConfig.DEFAULT_AUTH);
                int max = m.integer("max_client_connections", 0);
                name.ifPresent(n -> users.add(new UserConfig(n, password, auth, max)));
            });
        }
        return users;
    }

    private static List<HbaRule> hba(List<YamlNode> items) {
        List<HbaRule> rules = new ArrayList<>();
        for (YamlNode item : items) {
            item.asMapping(HBA_KEYS).ifPresent(m -> {
                String user = m.string("user", HbaRule.ALL);
                String database = m.string("database", HbaRule.ALL);
                HbaRule.Cidr address = m.value("address",
                        t -> t.strip().equals(HbaRule.ALL) ? null : HbaRule.Cidr.parse(t), null);
                m.require("action").flatMap(n -> n.asChoice(List.of("allow", "reject"),
                                t -> t.equals("allow") ? Optional.of(true) : t.equals("reject") ? Optional.of(false)
                                        : Optional.<Boolean>empty()))
                        .ifPresent(allow -> rules.add(new HbaRule(user, database, address, allow)));
            });
        }
        return rules;
    }

    private static Map<String, DatabaseConfig> databases(YamlMapping m, Defaults defaults) {
        Map<String, DatabaseConfig> databases = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> entry : m.entries()) {
            String name = entry.getKey();
            entry.getValue().asMapping(DATABASE_KEYS).flatMap(db -> database(name, db, defaults))
                    .ifPresent(db -> databases.put(name, db));
        }
        return databases;
    }

    /** One entry: its servers are a primary with replicas, or (when sharded) a list of shards. */
    private static Optional<DatabaseConfig> database(String name, YamlMapping db, Defaults defaults) {
        int maxClients = db.integer("max_client_connections", 0);
        return servers(name, db, defaults).map(d -> d.withMaxClientConnections(maxClients));
    }

    private static Optional<DatabaseConfig> servers(String name, YamlMapping db, Defaults defaults) {
        Function<String, BackendUrl> url = text -> BackendUrl.parse(text, name);
        PoolConfig pool = section(db, "pool", POOL_KEYS).map(p -> pool(p, defaults.pool())).orElse(defaults.pool());
        BreakerConfig breaker = section(db, "breaker", BREAKER_KEYS)
                .map(b -> BreakerMapper.breaker(b, defaults.breaker())).orElse(defaults.breaker());
        SessionStatePolicy onSessionState = db.choice("on_session_state", SESSION_STATE_POLICIES,
                SessionStatePolicy::fromConfigName, DatabaseConfig.DEFAULT_ON_SESSION_STATE);
        RoutingConfig routing = section(db, "routing", ROUTING_KEYS).map(ConfigMapper::routing)
                .orElse(RoutingConfig.defaults());
        if (ShardingMapper.declared(db)) {
            return ShardingMapper.map(db, url).map(s -> DatabaseConfig.sharded(name, pool, onSessionState, routing,
                    s.sharding(), s.shards()).withBreaker(breaker));
        }
        return ServersMapper.servers(db, url).map(s -> new DatabaseConfig(name, pool, s.primary(), s.replicas(),
                onSessionState, s.replicaWeights(), routing).withBreaker(breaker));
    }

    /** {@code max_replica_lag}: a limit in bytes or in replay time; zero means no limit of that kind. */
    private record ReplicaLag(long bytes, Duration time) {
    }

    /**
     * {@code 16MB} (bytes; a bare number is bytes) or {@code 10s} (time). Only one kind applies: the
     * other is off. Note {@code 16m} is 16 minutes, as everywhere in the file.
     */
    private static ReplicaLag parseReplicaLag(String text) {
        if (LAG_AS_TIME.matcher(text).matches()) {
            return new ReplicaLag(0, Units.parseDuration(text));
        }
        try {
            return new ReplicaLag(Units.parseSize(text), Duration.ZERO);
        } catch (IllegalArgumentException e) {
            if (Units.EXPECTED_SIZE.equals(e.getMessage())) {
                throw new IllegalArgumentException(EXPECTED_REPLICA_LAG);
            }
            throw e;
        }
    }

    private static RoutingConfig routing(YamlMapping m) {
        RoutingConfig base = RoutingConfig.defaults();
        ReplicaLag lag = m.value("max_replica_lag", ConfigMapper::parseReplicaLag,
                new ReplicaLag(base.maxReplicaLagBytes(), base.maxReplicaLagTime()));
        return new RoutingConfig(
                m.choice("autocommit_selects", List.of("primary", "replica"),
                        t -> RoutingConfig.fromConfigName(RoutingConfig.Target.class, t), base.autocommitSelects()),
                m.choice("balance", List.of("least_outstanding", "round_robin"),
                        t -> RoutingConfig.fromConfigName(RoutingConfig.Balance.class, t), base.balance()),
                m.bool("fallback_to_primary", base.fallbackToPrimary()),
                m.choice("primary_reads", List.of("fallback", "share"),
                        t -> RoutingConfig.fromConfigName(RoutingConfig.PrimaryReads.class, t), base.primaryReads()),
                lag.bytes(), lag.time(),
                m.choice("consistency", List.of("eventual", "read_your_writes"),
                        t -> RoutingConfig.fromConfigName(RoutingConfig.Consistency.class, t), base.consistency()),
                m.duration("ryw_timeout", base.rywTimeout()),
                m.duration("health_check_interval", base.healthCheckInterval()),
                m.duration("health_check_timeout", base.healthCheckTimeout()),
                m.bool("retry_reads", base.retryReads()),
                m.strings("deny_functions", base.denyFunctions()));
    }

    /** Reads a {@code pool:} block key by key over {@code base}, so absent keys keep the base's values. */
    private static PoolConfig pool(YamlMapping m, PoolConfig base) {
        return new PoolConfig(
                m.choice("mode", POOL_MODES, PoolMode::fromConfigName, base.mode()),
                m.integer("size", base.size()),
                m.integer("min_idle", base.minIdle()),
                m.duration("max_lifetime", base.maxLifetime()),
                m.duration("idle_timeout", base.idleTimeout()),
                m.duration("connect_timeout", base.connectTimeout()),
                m.string("server_reset_query", base.serverResetQuery()),
                m.integer("max_prepared_statements", base.maxPreparedStatements()),
                m.strings("track_extra_parameters", base.trackExtraParameters()));
    }
}
