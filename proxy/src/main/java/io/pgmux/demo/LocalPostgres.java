package io.pgmux.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One real PostgreSQL server run from the build's own binaries, listening on 127.0.0.1 only,
 * with its unix socket in a private directory. When the JVM is root, PostgreSQL runs as
 * {@code nobody}.
 *
 * <p>Access: superuser {@code postgres}/{@code postgres}; TCP logins use the builder's
 * {@code hostAuth} (default {@code scram-sha-256}); replication from loopback is trusted.
 *
 * <p>Streaming replicas are copies of a cleanly stopped primary, so the order is fixed:
 * create the primary, bootstrap it ({@link #initialize()}, or {@link #start()} then
 * {@link #stop()}), create the replicas, then start all, primary first:
 * <pre>{@code
 * LocalPostgres primary = LocalPostgres.builder().name("primary").bootstrapSql(...).build();
 * primary.initialize();                       // initdb + bootstrap SQL, not running
 * LocalPostgres replica = primary.replica("replica1");
 * primary.start();
 * replica.start().waitForReplication(Duration.ofSeconds(30));
 * }</pre>
 * {@link #close()} stops the server and deletes all of its directories.
 */
public final class LocalPostgres implements AutoCloseable {

    private final ServerSpec spec;
    private final String name;
    private final int port;
    private final ServerProcess process;
    private boolean closed;

    LocalPostgres(ServerSpec spec, String name, int port, boolean standbyCopy) {
        this.spec = spec;
        this.name = name;
        this.port = port;
        this.process = new ServerProcess(spec, name, port, standbyCopy);
        LiveServers.add(this);
    }

    /** A builder with the defaults listed on {@link Builder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** initdb, configuration files and bootstrap SQL (single-user mode). Idempotent. */
    public synchronized LocalPostgres initialize() {
        ensureOpen();
        process.initialize();
        return this;
    }

    /** Starts (initializing first if needed) and waits until connections are accepted. */
    public synchronized LocalPostgres start() {
        ensureOpen();
        process.start();
        return this;
    }

    /** Fast shutdown: clients disconnected, clean checkpoint. No-op when not running. */
    public synchronized void stop() {
        process.stop();
    }

    /** SIGKILLs the postmaster and its backends (a crash); the next start runs recovery. */
    public synchronized void kill() {
        process.kill();
    }

    /** {@link #stop()} then {@link #start()}, on the same port. */
    public synchronized LocalPostgres restart() {
        stop();
        return start();
    }

    /** Promotes this running standby to a read-write primary; returns once it accepts writes. */
    public synchronized void promote() {
        process.promote();
    }

    /** As {@link #replica(String, int)} on a free port. */
    public LocalPostgres replica(String replicaName) {
        return replica(replicaName, 0);
    }

    /**
     * Creates (does not start) a streaming replica of this server on {@code replicaPort}
     * (0 = any free port). It inherits this server's settings and roles.
     *
     * @throws IllegalStateException unless this server is initialized and cleanly stopped
     */
    public synchronized LocalPostgres replica(String replicaName, int replicaPort) {
        ensureOpen();
        ServerDirs.checkName(replicaName);
        if (!process.isCleanlyStopped()) {
            throw new IllegalStateException(name + ": replicas are copied from a cleanly stopped primary;"
                    + " call initialize() or stop() first (see LocalPostgres Javadoc)");
        }
        return ReplicaCloner.cloneOf(this, spec, replicaName, replicaPort);
    }

    /**
     * Waits until this standby logs that it streams WAL from its primary (since its last start).
     * Lag checks need a client: the test harness does those with JDBC.
     */
    public void waitForReplication(Duration timeout) {
        process.waitForReplication(timeout);
    }

    /** True while the postmaster process is alive. */
    public boolean isRunning() {
        return process.isRunning();
    }

    /** True for a replica that has not been promoted. */
    public boolean isStandby() {
        return process.isStandby();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** Always {@code "127.0.0.1"}: the server listens on loopback only. */
    public String host() {
        return "127.0.0.1";
    }

    public Path dataDir() {
        return process.dirs().dataDir();
    }

    public Path logFile() {
        return process.dirs().logFile();
    }

    /** Directory holding the unix socket {@code .s.PGSQL.<port>}. */
    public Path socketDir() {
        return process.dirs().socketDir();
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** The last {@code lines} lines of the server log, for callers' own error messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    /** Stops the server (SIGKILL if a clean stop fails) and deletes its directories. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LiveServers.remove(this);
            process.close();
        }
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + name + " 127.0.0.1:" + port + (isStandby() ? " standby" : "") + "]";
    }

    void copyDataDirTo(Path target) {
        process.copyDataDirTo(target);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Settings for a {@link LocalPostgres}. Defaults: any free port, {@code hostAuth} and
     * {@code password_encryption} {@code scram-sha-256}, {@code max_connections=200},
     * {@code shared_buffers=32MB}, replication-ready WAL settings, fsync on, 60 s start timeout,
     * directories under {@code java.io.tmpdir}, binaries from {@link PostgresBinaries#locate()}.
     */
    public static final class Builder {
        private String name = "pg";
        private int port;
        private String hostAuth = "scram-sha-256";
        private String passwordEncryption = "scram-sha-256";
        private int maxConnections = 200;
        private boolean fast;
        private final Map<String, String> extra = new LinkedHashMap<>();
        private final List<Map.Entry<String, String>> bootstrap = new ArrayList<>();
        private Path parentDir;
        private PostgresBinaries binaries;
        private Duration startTimeout = Duration.ofSeconds(60);
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsCa;

        private Builder() {
        }

        /** Name used in logs, directory names and as replication application_name. */
        public Builder name(String name) {
            this.name = ServerDirs.checkName(name);
            return this;
        }

        /** TCP port on 127.0.0.1; 0 (default) picks a free one when {@link #build()} runs. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Any {@code postgresql.conf} setting; overrides the defaults. */
        public Builder setting(String key, String value) {
            extra.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder settings(Map<String, String> settings) {
            settings.forEach(this::setting);
            return this;
        }

        /** pg_hba method for TCP logins: {@code scram-sha-256}, {@code md5} or {@code trust}. */
        public Builder hostAuth(String method) {
            this.hostAuth = Objects.requireNonNull(method);
            return this;
        }

        /** How passwords set later are hashed: {@code scram-sha-256} or {@code md5}. */
        public Builder passwordEncryption(String method) {
            this.passwordEncryption = Objects.requireNonNull(method);
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Trades durability for speed: fsync and full_page_writes off. Still safe against
         * {@link LocalPostgres#kill()} (the OS keeps the written data), lost only if the OS crashes;
         * synchronous_commit stays on so a commit that returned survives a kill.
         */
        public Builder fast() {
            this.fast = true;
            return this;
        }

        /** Statements run once after initdb, as superuser in database {@code postgres}. */
        public Builder bootstrapSql(String... statements) {
            return bootstrapSqlIn("postgres", statements);
        }

        /** As {@link #bootstrapSql}, in {@code database} (created by an earlier statement). */
        public Builder bootstrapSqlIn(String database, String... statements) {
            for (String s : statements) {
                bootstrap.add(Map.entry(database, s));
            }
            return this;
        }

        /** Where the server directory is created (default {@code java.io.tmpdir}). */
        public Builder parentDir(Path parentDir) {
            this.parentDir = parentDir;
            return this;
        }

        public Builder binaries(PostgresBinaries binaries) {
            this.binaries = binaries;
            return this;
        }

        /**
         * Turns on TLS ({@code ssl = on}) with this certificate and key (PEM). They are copied into
         * the data directory, owned by the server's OS user, the key with mode 0600 as PostgreSQL
         * demands; clients may still connect without TLS ({@code host} lines in pg_hba.conf).
         */
        public Builder tls(Path cert, Path key) {
            this.tlsCert = Objects.requireNonNull(cert).toAbsolutePath();
            this.tlsKey = Objects.requireNonNull(key).toAbsolutePath();
            extra.put("ssl", "on");
            extra.put("ssl_cert_file", ServerConfig.TLS_CERT);
            extra.put("ssl_key_file", ServerConfig.TLS_KEY);
            return this;
        }

        /**
         * With {@link #tls}: asks clients for certificates signed by {@code ca} ({@code ssl_ca_file},
         * copied into the data directory). With {@code hostAuth("cert")} TCP logins must show one
         * whose common name is the user name ({@code hostssl ... cert} in pg_hba.conf).
         */
        public Builder tlsClientCa(Path ca) {
            this.tlsCa = Objects.requireNonNull(ca).toAbsolutePath();
            extra.put("ssl_ca_file", ServerConfig.TLS_CA);
            return this;
        }

        /** Bound for initdb, start, stop and promote each. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The effective {@code postgresql.conf} settings: defaults, then {@link #fast()}, then extras. */
        public Map<String, String> serverSettings() {
            Map<String, String> s = ServerConfig.defaults(maxConnections, passwordEncryption, fast);
            s.putAll(extra);
            return s;
        }

        /** pg_hba method for TCP logins. */
        public String hostAuth() {
            return hostAuth;
        }

        /** The bootstrap statements as (database, statement) pairs, in order. */
        public List<Map.Entry<String, String>> bootstrapStatements() {
            return List.copyOf(bootstrap);
        }

        /** Creates the server's directories (but does not initialize or start it). */
        public LocalPostgres build() {
            Path parent = parentDir != null ? parentDir : Path.of(System.getProperty("java.io.tmpdir"));
            ServerSpec spec = new ServerSpec(binaries != null ? binaries : PostgresBinaries.locate(),
                    parent.toAbsolutePath(), serverSettings(), hostAuth, bootstrap, startTimeout, tlsCert, tlsKey, tlsCa);
            return new LocalPostgres(spec, name, port == 0 ? FreePorts.any() : port, false);
        }
    }
}
