package io.pgmux.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules a well-typed configuration must still follow: value ranges, unique names, references
 * between sections and distinct listen addresses. Runs only on a configuration that mapped without
 * problems, so it never repeats a type error as a range error.
 */
final class ConfigValidator {

    static final String MD5_FOR_SCRAM = "an md5 hash cannot be used for SCRAM authentication;"
            + " give the plain password or a SCRAM-SHA-256 verifier";
    /** What the classifier can match: the name before the parenthesis of a call, no schema or quotes. */
    private static final Pattern BARE_FUNCTION_NAME = Pattern.compile("[^\\s.()\"]+");

    private final Problems problems;
    private final Locations locations;

    private final ShardingRules shardingRules;
    private final BreakerRules breakerRules;

    private ConfigValidator(Problems problems, Locations locations) {
        this.problems = problems;
        this.locations = locations;
        this.shardingRules = new ShardingRules(this::report);
        this.breakerRules = new BreakerRules(this::report, locations::has);
    }

    static void validate(ConfigMapper.Result mapped, Problems problems, Locations locations) {
        ConfigValidator v = new ConfigValidator(problems, locations);
        ProxyConfig config = mapped.config();
        v.atLeast("workers", config.workers(), 0);
        v.limits(config.limits());
        v.users(config);
        v.tls(config.tls());
        v.unixSocketDir(config.unixSocketDir());
        config.authQueryConfig().ifPresent(v::authQuery);
        v.pool("pool_defaults", mapped.poolDefaults());
        v.breakerRules.check("breaker_defaults", mapped.breakerDefaults());
        v.databases(config.databases().values(), config.tls());
        v.listeners(config);
    }

    /** Weights are shares of reads: a bound keeps their sums far from overflow. */
    static final int MAX_WEIGHT = 1000;

    private void report(String path, String reason) {
        problems.add(path, locations.locate(path), reason);
    }

    private void atLeast(String path, int value, int min) {
        if (value < min) {
            report(path, "must be at least " + min);
        }
    }

    private void limits(LimitsConfig limits) {
        atLeast("limits.max_client_connections", limits.maxClientConnections(), 1);
        atLeast("limits.max_unauthenticated_connections", limits.maxUnauthenticatedConnections(), 0);
        atLeast("limits.max_client_prepared_statements", limits.maxClientPreparedStatements(), 0);
        if (!limits.authTimeout().isZero() && limits.authFailureDelay().compareTo(limits.authTimeout()) >= 0) {
            report("limits.auth_failure_delay", "must be shorter than limits.auth_timeout ("
                    + limits.authTimeout().toMillis() + "ms), which would otherwise end the login first");
        }
        int size = limits.maxMessageSize();
        if (size < LimitsConfig.MIN_MESSAGE_SIZE || size > LimitsConfig.MAX_MESSAGE_SIZE) {
            report("limits.max_message_size", "must be between 1kB and 1GB");
        }
    }

    /**
     * The files a mode needs must be there and readable now, so a typo fails at start (or a RELOAD
     * is refused) instead of the first client's handshake. Their content is parsed by the proxy.
     */
    private void tls(TlsConfig tls) {
        if (tls.clientTls()) {
            String why = "needed by client_mode " + tls.clientMode().configName();
            readable("tls.cert_file", tls.certFile(), "tls.client_mode", why);
            readable("tls.key_file", tls.keyFile(), "tls.client_mode", why);
        }
        if ((tls.serverCertFile() == null) != (tls.serverKeyFile() == null)) {
            String missing = tls.serverCertFile() == null ? "tls.server_cert_file" : "tls.server_key_file";
            String given = tls.serverCertFile() == null ? "tls.server_key_file" : "tls.server_cert_file";
            problems.add(missing, locations.locate(given), "required: needed by " + given);
        } else if (tls.serverCertFile() != null) {
            readable("tls.server_cert_file", tls.serverCertFile(), "tls.server_cert_file", "pgmux's certificate for servers");
            readable("tls.server_key_file", tls.serverKeyFile(), "tls.server_key_file", "pgmux's certificate for servers");
        }
        if (tls.clientMode().requiresCertificate()) {
            readable("tls.client_ca_file", tls.clientCaFile(), "tls.client_mode",
                    "needed by client_mode " + tls.clientMode().configName());
        }
        if (tls.serverMode().verifies()) {
            readable("tls.ca_file", tls.caFile(), "tls.server_mode", "needed by server_mode " + tls.serverMode().configName());
        }
    }

    /**
     * A backend URL's {@code ?sslmode=verify-ca/verify-full} needs {@code tls.ca_file} as the
     * global mode does (reported where the URL is, unless the global mode reported it already).
     */
    private void serverTls(String prefix, DatabaseConfig db, TlsConfig tls) {
        if (tls.serverMode().verifies()) {
            return;
        }
        for (Map.Entry<String, BackendUrl> e : db.serverUrls().entrySet()) {
            TlsConfig.ServerMode mode = e.getValue().sslMode();
            if (mode != null && mode.verifies()) {
                readable("tls.ca_file", tls.caFile(), prefix + e.getKey(), "needed by sslmode " + mode.configName()
                        + " in " + prefix + e.getKey());
            }
        }
    }

    /** The directory must exist and be writable: pgmux creates its socket file there at start. */
    private void unixSocketDir(java.nio.file.Path dir) {
        if (dir == null) {
            return;
        }
        if (!java.nio.file.Files.isDirectory(dir)) {
            report("unix_socket_dir", "no directory " + dir);
        } else if (!java.nio.file.Files.isWritable(dir)) {
            report("unix_socket_dir", "cannot write in " + dir);
        } else if (dir.toAbsolutePath().resolve(".s.PGSQL.65535").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length > MAX_SOCKET_PATH) {
            report("unix_socket_dir", "too long for a socket path (at most " + MAX_SOCKET_PATH
                    + " bytes with the file name .s.PGSQL.<port>)");
        }
    }

    /** sun_path holds 108 bytes on Linux, the terminating NUL included. */
    private static final int MAX_SOCKET_PATH = 107;

    /** @param modePath where a missing file is reported: the mode that needs it */
    private void readable(String path, java.nio.file.Path file, String modePath, String why) {
        if (file == null) {
            problems.add(path, locations.locate(modePath), "required: " + why);
        } else if (!java.nio.file.Files.isRegularFile(file) || !java.nio.file.Files.isReadable(file)) {
            report(path, "cannot read " + file + " (" + why + ")");
        }
    }

    private void authQuery(AuthQueryConfig q) {
        if (q.user().isEmpty()) {
            report("auth_query.user", "must not be empty");
        }
        if (q.query().isBlank()) {
            report("auth_query.query", "must not be empty");
        }
        if (q.cacheTtl().isNegative()) {
            report("auth_query.cache_ttl", "must not be negative");
        }
    }

    private void users(ProxyConfig config) {
        Map<String, String> firstPath = new HashMap<>();
        List<UserConfig> users = config.users();
        for (int i = 0; i < users.size(); i++) {
            UserConfig user = users.get(i);
            String path = "users[" + i + "]";
            if (user.name().isEmpty()) {
                report(path + ".name", "must not be empty");
            } else if (firstPath.containsKey(user.name())) {
                int line = locations.locate(firstPath.get(user.name())).line();
                report(path + ".name", "duplicate user '" + user.name() + "' (first at line " + line + ")");
            } else {
                firstPath.put(user.name(), path + ".name");
            }
            atLeast(path + ".max_client_connections", user.maxClientConnections(), 0);
            if (user.password() == null && user.auth() != AuthMethod.TRUST && user.auth() != AuthMethod.CERT) {
                report(path + ".password", "required unless auth is trust or cert");
            } else if (user.password() != null && user.auth() == AuthMethod.SCRAM_SHA_256
                    && user.password().kind() == Secret.Kind.MD5) {
                report(path + ".password", MD5_FOR_SCRAM);
            }
            if (user.auth() == AuthMethod.CERT && !config.tls().clientMode().requiresCertificate()) {
                report(path + ".auth", "cert needs tls.client_mode verify-ca or verify-full (client certificates "
                        + "checked against tls.client_ca_file)");
            }
        }
        List<String> admins = config.admin().users();
        for (int i = 0; i < admins.size(); i++) {
            if (config.user(admins.get(i)).isEmpty()) {
                report("admin.users[" + i + "]", "user '" + admins.get(i) + "' is not defined in users");
            }
        }
    }

    /**
     * Checks only keys written under {@code prefix}: a key left out inherits from {@code pool_defaults},
     * which is checked itself, or from the built-in defaults, which are valid.
     */
    private void pool(String prefix, PoolConfig pool) {
        String size = prefix + ".size";
        String minIdle = prefix + ".min_idle";
        if (locations.has(size)) {
            atLeast(size, pool.size(), 1);
        }
        if (locations.has(minIdle)) {
            atLeast(minIdle, pool.minIdle(), 0);
        }
        if (pool.size() >= 1 && pool.minIdle() > pool.size()) {
            if (locations.has(minIdle)) {
                report(minIdle, "must not exceed size (" + pool.size() + ")");
            } else if (locations.has(size)) {
                report(size, "must not be less than min_idle (" + pool.minIdle() + ")");
            }
        }
        String maxPrepared = prefix + ".max_prepared_statements";
        if (locations.has(maxPrepared)) {
            atLeast(maxPrepared, pool.maxPreparedStatements(), 0);
        }
    }

    private void databases(Collection<DatabaseConfig> databases, TlsConfig tls) {
        for (DatabaseConfig db : databases) {
            if (db.name().isEmpty()) {
                // The path of an empty name would end in a dot; name the section instead.
                problems.add("databases", locations.locate("databases."), "database name must not be empty");
            }
            pool("databases." + db.name() + ".pool", db.pool());
            atLeast("databases." + db.name() + ".max_client_connections", db.maxClientConnections(), 0);
            replicas("databases." + db.name(), db);
            serverTls("databases." + db.name() + ".", db, tls);
            shardingRules.check("databases." + db.name(), db);
            breakerRules.check("databases." + db.name() + ".breaker", db.breaker());
        }
    }

    /**
     * Replica weights and the {@code routing:} block. A routing block on a database without replicas
     * is allowed, settings that only matter with replicas included: they apply once replicas are added.
     * Negative durations and sizes never get here (the parser refuses them); the checks are kept so
     * a configuration built in code is held to the same rules.
     */
    private void replicas(String prefix, DatabaseConfig db) {
        if (db.isSharded()) {
            for (int i = 0; i < db.shards().size(); i++) {
                weights(prefix + ".shards[" + i + "].replicas", db.shards().get(i).replicaWeights());
            }
        } else {
            weights(prefix + ".replicas", db.replicaWeights());
        }
        RoutingConfig routing = db.routing();
        String r = prefix + ".routing.";
        if (routing.maxReplicaLagBytes() < 0 || routing.maxReplicaLagTime().isNegative()) {
            report(r + "max_replica_lag", "must not be negative");
        }
        if (routing.rywTimeout().isNegative()) {
            report(r + "ryw_timeout", "must not be negative");
        }
        positive(r + "health_check_interval", routing.healthCheckInterval());
        positive(r + "health_check_timeout", routing.healthCheckTimeout());
        List<String> deny = routing.denyFunctions();
        for (int i = 0; i < deny.size(); i++) {
            String path = r + "deny_functions[" + i + "]";
            String name = deny.get(i);
            if (name.isBlank()) {
                report(path, "must not be empty");
            } else if (!BARE_FUNCTION_NAME.matcher(name).matches()) {
                report(path, "give the bare function name, without schema, quotes, arguments or spaces"
                        + " (a call matches by name in any schema)");
            }
        }
    }

    private void weights(String replicasPath, List<Integer> weights) {
        for (int i = 0; i < weights.size(); i++) {
            int w = weights.get(i);
            if (w < 1 || w > MAX_WEIGHT) {
                report(replicasPath + "[" + i + "].weight", "must be between 1 and " + MAX_WEIGHT);
            }
        }
    }

    private void positive(String path, Duration value) {
        if (value.isZero() || value.isNegative()) {
            report(path, "must be greater than 0");
        }
    }

    private record Listener(String path, HostPort address) {
    }

    private void listeners(ProxyConfig config) {
        List<Listener> enabled = new ArrayList<>();
        enabled.add(new Listener("listen", config.listen()));
        if (config.admin().enabled()) {
            enabled.add(new Listener("admin.listen", config.admin().listen()));
        }
        if (config.metrics().enabled()) {
            enabled.add(new Listener("metrics.listen", config.metrics().listen()));
        }
        for (int j = 1; j < enabled.size(); j++) {
            for (int i = 0; i < j; i++) {
                Listener earlier = enabled.get(i);
                Listener later = enabled.get(j);
                if (conflict(earlier.address(), later.address())) {
                    // Report where the user wrote an address; two defaults never collide.
                    boolean laterWritten = locations.has(later.path());
                    Listener at = laterWritten ? later : earlier;
                    Listener other = laterWritten ? earlier : later;
                    report(at.path(), "address conflicts with " + other.path() + " (" + other.address() + ")");
                }
            }
        }
    }

    /** Same port and same host, or a wildcard host: the second bind would fail. Port 0 is always free. */
    private static boolean conflict(HostPort a, HostPort b) {
        boolean sameHost = a.host().equalsIgnoreCase(b.host()) || a.isWildcard() || b.isWildcard();
        return a.port() != 0 && a.port() == b.port() && sameHost;
    }
}
