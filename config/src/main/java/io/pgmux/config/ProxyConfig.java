package io.pgmux.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole pgmux configuration, as loaded by {@link ConfigLoader}.
 *
 * @param listen          where clients connect
 * @param workers         event-loop threads; 0 means half the CPU cores, at least one, see {@link #effectiveWorkers()}
 * @param transport       the socket implementation of the event loops
 * @param shutdownTimeout on SIGTERM, how long running transactions may go on before connections are closed
 * @param admin           the admin console
 * @param metrics         the metrics and health endpoint
 * @param limits          limits on clients
 * @param log             logging
 * @param tls             TLS to clients and to servers
 * @param authQuery       looking up users that are not in {@code users:} on the server, or null when off
 * @param users           client logins, in file order
 * @param databases       databases by the name clients use, in file order
 * @param source          the file the configuration came from, or a name like {@code <string>}
 * @param hba             the allow list checked before authentication, first match wins ({@link HbaRule})
 */
public record ProxyConfig(
        HostPort listen,
        int workers,
        TransportKind transport,
        Duration shutdownTimeout,
        AdminConfig admin,
        MetricsConfig metrics,
        LimitsConfig limits,
        LogConfig log,
        TlsConfig tls,
        AuthQueryConfig authQuery,
        List<UserConfig> users,
        Map<String, DatabaseConfig> databases,
        String source,
        List<HbaRule> hba,
        Path unixSocketDir) {

    /** Where clients connect unless {@code listen} says otherwise. */
    public static final HostPort DEFAULT_LISTEN = new HostPort(HostPort.ANY_HOST, 6432);
    /** Used when {@code shutdown_timeout} is absent. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    /** Rejects nulls, checks that map keys match database names and copies the collections. */
    public ProxyConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(source, "source");
        users = List.copyOf(users);
        hba = List.copyOf(hba);
        databases.forEach((name, db) -> {
            if (!name.equals(db.name())) {
                throw new IllegalArgumentException("database key '" + name + "' holds database '" + db.name() + "'");
            }
        });
        databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
    }

    /** Without a Unix-domain socket. */
    public ProxyConfig(HostPort listen, int workers, TransportKind transport, Duration shutdownTimeout, AdminConfig admin,
                       MetricsConfig metrics, LimitsConfig limits, LogConfig log, TlsConfig tls, AuthQueryConfig authQuery,
                       List<UserConfig> users, Map<String, DatabaseConfig> databases, String source, List<HbaRule> hba) {
        this(listen, workers, transport, shutdownTimeout, admin, metrics, limits, log, tls, authQuery, users, databases,
                source, hba, null);
    }

    /** Where the Unix-domain socket is, {@code <unix_socket_dir>/.s.PGSQL.<port>} as libpq looks for it; empty when off. */
    public Optional<Path> unixSocketPath(int port) {
        return Optional.ofNullable(unixSocketDir).map(dir -> dir.resolve(".s.PGSQL." + port));
    }

    /** Without an {@code hba} allow list (everyone may try to log in). */
    public ProxyConfig(HostPort listen, int workers, Duration shutdownTimeout, AdminConfig admin, MetricsConfig metrics,
                       LimitsConfig limits, LogConfig log, TlsConfig tls, AuthQueryConfig authQuery,
                       List<UserConfig> users, Map<String, DatabaseConfig> databases, String source) {
        this(listen, workers, TransportKind.AUTO, shutdownTimeout, admin, metrics, limits, log, tls, authQuery, users, databases, source,
                List.of());
    }

    /** Without {@code auth_query} and {@code hba}. */
    public ProxyConfig(HostPort listen, int workers, Duration shutdownTimeout, AdminConfig admin, MetricsConfig metrics,
                       LimitsConfig limits, LogConfig log, TlsConfig tls, List<UserConfig> users,
                       Map<String, DatabaseConfig> databases, String source) {
        this(listen, workers, TransportKind.AUTO, shutdownTimeout, admin, metrics, limits, log, tls, null, users, databases, source, List.of());
    }

    /** Without TLS, {@code auth_query} and {@code hba}. */
    public ProxyConfig(HostPort listen, int workers, Duration shutdownTimeout, AdminConfig admin, MetricsConfig metrics,
                       LimitsConfig limits, LogConfig log, List<UserConfig> users, Map<String, DatabaseConfig> databases,
                       String source) {
        this(listen, workers, TransportKind.AUTO, shutdownTimeout, admin, metrics, limits, log, TlsConfig.defaults(), null, users, databases,
                source, List.of());
    }

    /** Every built-in default, no users and no databases. */
    public static ProxyConfig defaults() {
        return new ProxyConfig(DEFAULT_LISTEN, 0, DEFAULT_SHUTDOWN_TIMEOUT, AdminConfig.defaults(),
                MetricsConfig.defaults(), LimitsConfig.defaults(), LogConfig.defaults(), TlsConfig.defaults(), List.of(), Map.of(),
                "<defaults>");
    }

    /** {@code auth_query}, when configured. */
    public Optional<AuthQueryConfig> authQueryConfig() {
        return Optional.ofNullable(authQuery);
    }

    /** The user with this exact name. */
    public Optional<UserConfig> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** The {@code ?sslmode=} values the backend URLs of all databases set (empty when none does). */
    public java.util.Set<TlsConfig.ServerMode> serverSslModes() {
        java.util.Set<TlsConfig.ServerMode> modes = java.util.EnumSet.noneOf(TlsConfig.ServerMode.class);
        for (DatabaseConfig db : databases.values()) {
            for (BackendUrl url : db.serverUrls().values()) {
                if (url.sslMode() != null) {
                    modes.add(url.sslMode());
                }
            }
        }
        return modes;
    }

    /** The database clients reach under this exact name. */
    public Optional<DatabaseConfig> database(String name) {
        return Optional.ofNullable(databases.get(name));
    }

    /**
     * {@link #workers()}, or half the available processors (at least one) when that is 0. Half,
     * because most of a proxy's CPU is the kernel's network work and the processes at either end
     * (PostgreSQL, the application) usually share the machine: on 2 cores one event loop measured
     * 25-28% less CPU per transaction than two, at about the same throughput (docs/benchmarks.md).
     */
    public int effectiveWorkers() {
        return workers > 0 ? workers : autoWorkers(Runtime.getRuntime().availableProcessors());
    }

    /** The event loops {@code workers: 0} starts on a machine with this many processors. */
    public static int autoWorkers(int processors) {
        return Math.max(1, processors / 2);
    }
}
