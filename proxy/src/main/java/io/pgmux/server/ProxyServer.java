package io.pgmux.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.pgmux.admin.AdminConsole;
import io.pgmux.backend.ServerConnector;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.UserConfig;
import io.pgmux.frontend.CancelRegistry;
import io.pgmux.frontend.ClientRegistry;
import io.pgmux.frontend.ClientSession;
import io.pgmux.frontend.LoginHandler;
import io.pgmux.frontend.SessionContext;
import io.pgmux.health.BackendHealth;
import io.pgmux.health.Readiness;
import io.pgmux.metrics.MetricsServer;
import io.pgmux.metrics.ProxyMetrics;
import io.pgmux.pool.LoopIndex;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolKey;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.StartupPacketDecoder;
import io.pgmux.routing.Backend;
import io.pgmux.routing.Cluster;
import io.pgmux.tls.TlsContexts;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The running proxy: event loops, the client listener, the pools, and what sessions need from them;
 * with the admin console and the metrics endpoint when configured. Pools are created on first use,
 * one per (database, server user).
 */
public final class ProxyServer implements SessionContext {
    private static final Logger LOG = Logger.getLogger(ProxyServer.class.getName());
    /** Backend probes are reused this long, so health checks and scrapes never hammer a server. */
    private static final Duration HEALTH_TTL = Duration.ofSeconds(5);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Netty's pooled allocator with per-thread caches: measured a few percent cheaper per transaction
     * than 4.2's default adaptive allocator for pgmux's pattern (small reads, slices, short lives).
     */
    static final io.netty.buffer.ByteBufAllocator ALLOCATOR = io.netty.buffer.PooledByteBufAllocator.DEFAULT;
    /** A connection's output pauses its source past 256 kB queued, resumes under 64 kB (backpressure). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private Transport transport;
    private final ConcurrentHashMap<PoolKey, Pool> pools = new ConcurrentHashMap<>();
    /** Per (database, user, ""): the SCRAM ClientKey or MD5 hash of the latest client login, in memory only. */
    private final ConcurrentHashMap<PoolKey, io.pgmux.auth.PassthroughCredential> passthrough = new ConcurrentHashMap<>();
    private final io.pgmux.frontend.AuthQuery authQuery = new io.pgmux.frontend.AuthQuery(this);
    private final io.pgmux.resilience.Breakers breakers = new io.pgmux.resilience.Breakers();
    private final Clusters clusters = new Clusters(breakers);
    private final CancelRegistry cancels = new CancelRegistry();
    private final ClientRegistry clients = new ClientRegistry();
    private volatile ProxyConfig config;
    /** Swapped whole on reload, so new connections take the new certificates and running ones keep theirs. */
    private volatile TlsContexts tls = TlsContexts.disabled();
    private volatile boolean shuttingDown;
    private EventLoopGroup acceptor;
    private EventLoopGroup workers;
    private LoopIndex loops;
    private ServerConnector connector;
    private Channel listener;
    /** The Unix-domain socket listener, or null without unix_socket_dir. */
    private UnixListener unixListener;
    private final Path configPath;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ServerControl control;
    private BackendHealth health;
    private AdminConsole admin;
    private ProxyMetrics metrics;
    private MetricsServer metricsServer;

    public ProxyServer(ProxyConfig config) {
        this(config, null);
    }

    /** @param configPath the file {@code config} was read from, read again by the admin console's RELOAD; may be null */
    public ProxyServer(ProxyConfig config, Path configPath) {
        this.config = config;
        this.configPath = configPath;
    }

    /** Starts the event loops and the client listener; returns the address it listens on. */
    public InetSocketAddress start() throws InterruptedException {
        tls = TlsContexts.load(config); // before anything starts: unusable files stop pgmux here
        int threads = config.effectiveWorkers();
        transport = Transport.choose(config.transport(), message -> LOG.warning(() -> message));
        acceptor = transport.newGroup(1, new DefaultThreadFactory("pgmux-accept", true));
        workers = transport.newGroup(threads, new DefaultThreadFactory("pgmux-loop", true));
        loops = new LoopIndex(workers);
        connector = new ServerConnector(new Bootstrap()
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK),
                new Bootstrap() // servers on a Unix-domain socket (a backend URL whose host is a directory)
                        .channel(transport.domainSocketChannel())
                        .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK),
                transport::domainAddress,
                this::tls);
        clusters.start(config, connector, workers);
        health = new BackendHealth(connector, workers::next, this::config, HEALTH_TTL, HEALTH_TIMEOUT, clusters::watched);
        control = new ServerControl(this, configPath);
        if (config.metrics().enabled()) {
            metrics = new ProxyMetrics(clients, health, workers, breakers);
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("startup", new StartupPacketDecoder());
                        ch.pipeline().addLast("login", new LoginHandler(ProxyServer.this));
                    }
                });
        try {
            listener = bound("listen", config.listen(), () -> b.bind(config.listen().host(), config.listen().port()).sync().channel());
            InetSocketAddress address = (InetSocketAddress) listener.localAddress();
            LOG.info(() -> "pgmux listening on " + address + " (" + transport.name() + ", " + threads + " event loops, "
                    + config.databases().size() + " databases)");
            java.util.Optional<java.nio.file.Path> socket = config.unixSocketPath(address.getPort());
            if (socket.isPresent()) {
                unixListener = bound("unix_socket_dir", socket.get(), () -> UnixListener.start(socket.get(), transport,
                        acceptor, workers, b.config().childHandler(), ALLOCATOR, WATER_MARK));
            }
            startConsoles();
        } catch (ListenException e) {
            shutdown(Duration.ZERO); // nothing was served yet: stop the loops and monitors started so far
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        CapacityCheck.run(this);
        return address;
    }

    /** The admin console and the metrics endpoint, each on a listener and an event loop of its own. */
    private void startConsoles() throws InterruptedException {
        if (config.admin().enabled()) {
            admin = new AdminConsole(control, this);
            bound("admin.listen", config.admin().listen(), () -> {
                admin.start(config.admin().listen(), acceptor,
                        n -> transport.newGroup(n, new DefaultThreadFactory("pgmux-admin", true)), transport.serverChannel());
                return null;
            });
        }
        if (metrics != null) {
            metricsServer = new MetricsServer(metrics, new Readiness(this::listening, this::shuttingDown, this::config, health));
            bound("metrics.listen", config.metrics().listen(), () -> {
                metricsServer.start(config.metrics().listen(), acceptor,
                        n -> transport.newGroup(n, new DefaultThreadFactory("pgmux-http", true)), transport.serverChannel());
                return null;
            });
        }
    }

    @Override
    public Pool pool(String database, UserConfig user) {
        DatabaseConfig db = database(database);
        ServerTarget target = target(database, db.primary(), user, config.users());
        // a sharded database's home pool is its shard 0 primary's, under the name routing uses for it
        return pool(db, new PoolKey(database, target.user(), Cluster.primaryName(db, 0)), target);
    }

    @Override
    public Pool pool(String database, UserConfig user, Backend backend) {
        DatabaseConfig db = database(database);
        ServerTarget target = target(database, backend.url(), user, config.users());
        return pool(db, new PoolKey(database, target.user(), backend.name()), target);
    }

    /** Every backend server's circuit breaker. */
    io.pgmux.resilience.Breakers breakers() {
        return breakers;
    }

    @Override
    public java.util.List<Cluster> clusters(String database) {
        return clusters.shards(database);
    }

    @Override
    public io.pgmux.sharding.ShardedDatabase sharding(String database) {
        return clusters.sharding(database);
    }

    private DatabaseConfig database(String database) {
        return config.database(database).orElseThrow(() -> new PgException(
                PgError.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist")));
    }

    private Pool pool(DatabaseConfig db, PoolKey poolKey, ServerTarget target) {
        String database = db.name();
        return pools.computeIfAbsent(poolKey, key -> {
            Pool pool = new Pool(key, target, PoolSettingsFactory.from(db, config.limits()), connector, loops);
            pool.breaker(breakers.of(database, key.backend(), target.address(), db.breaker()));
            if (control.isPaused(database)) {
                pool.pause(); // a PAUSE of the database (or of everything) holds pools created after it too
            }
            if (metrics != null) {
                metrics.register(pool);
            }
            pool.start();
            LOG.info(() -> "pool " + key + " -> " + target.address() + "/" + target.database());
            return pool;
        });
    }

    /**
     * Server credentials for one of the database's servers ({@code url}): a user in the URL is
     * forced for every client of the database (one pool per server); without one, each client's own
     * name and plain password from the config are used.
     */
    static ServerTarget target(BackendUrl url, UserConfig user, java.util.List<UserConfig> users) {
        if (url.user() != null) {
            String password = url.password();
            if (password == null && users != null) {
                // a URL user without a password takes that user's plain password from users:
                password = users.stream().filter(u -> u.name().equals(url.user())).findFirst()
                        .flatMap(UserConfig::plainPassword).orElse(null);
            }
            return ServerTarget.of(url, url.database(), url.user(), password);
        }
        Secret secret = user.password();
        String password = secret != null && secret.kind() == Secret.Kind.PLAIN ? secret.value() : null;
        return ServerTarget.of(url, url.database(), user.name(), password);
    }

    @Override
    public io.pgmux.auth.PassthroughCredential passthrough(String database, String user) {
        return passthrough.computeIfAbsent(new PoolKey(database, user, ""), k -> new io.pgmux.auth.PassthroughCredential());
    }

    @Override
    public io.pgmux.frontend.AuthQuery authQuery() {
        return authQuery;
    }

    /**
     * {@link #target(BackendUrl, UserConfig, java.util.List)}, plus, when pgmux logs in as a client
     * whose password it does not know, what that (database, user)'s client logins gave it.
     */
    ServerTarget target(String database, BackendUrl url, UserConfig user, java.util.List<UserConfig> users) {
        ServerTarget target = target(url, user, users);
        return url.user() == null && target.password() == null
                ? target.withPassthrough(passthrough(database, target.user()))
                : target;
    }

    /** A listener that could not be opened (address in use, not permitted...): the message names the setting. */
    public static final class ListenException extends RuntimeException {
        ListenException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private interface Bind<T> {
        T run() throws Exception;
    }

    /** Runs a bind, turning its failure into a {@link ListenException} that says which setting and address. */
    private static <T> T bound(String key, Object address, Bind<T> bind) {
        try {
            return bind.run();
        } catch (Exception e) {
            String why = e.getMessage() != null && e.getMessage().contains("Address already in use")
                    ? "address already in use" : String.valueOf(e.getMessage());
            throw new ListenException("cannot listen on " + address + " (" + key + "): " + why, e);
        }
    }

    /**
     * Graceful shutdown: refuse new clients, let each client finish its transaction and close it at
     * the boundary, and after {@code timeout} close whatever is left.
     */
    public void shutdown(Duration timeout) {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        LOG.info(() -> "shutting down: " + clients.connectionCount() + " clients, waiting up to " + timeout.toSeconds() + "s");
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (unixListener != null) {
            unixListener.close();
        }
        for (ClientSession s : clients.sessions()) {
            s.eventLoop().execute(s::drain);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        // admin console sessions count as clients, but must not hold the shutdown back
        while (clients.connectionCount() - adminSessions() > 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        for (ClientSession s : clients.sessions()) {
            s.clientChannel().close();
        }
        clusters.stop(); // no more health checks (and reconnects) from here on
        // every server connection (idle ones, a cut-off transaction's, one being reset, the
        // monitors'): closed, and waited for, before the loops stop, so that every server sees
        // its connection end
        if (connector != null) {
            connector.closeAll().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (admin != null) {
            admin.stop();
        }
        if (metricsServer != null) {
            metricsServer.stop();
            metrics.close();
        }
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        LOG.info("pgmux stopped");
        stopped.countDown();
    }

    /** Blocks until {@link #shutdown} has finished (SIGTERM, or SHUTDOWN on the admin console). */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    private int adminSessions() {
        return admin == null ? 0 : admin.sessionCount();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void startAdminSession(Channel channel, String user) {
        if (admin == null) {
            channel.close(); // cannot happen: only the console's listener logs admins in
            clients.disconnected();
            return;
        }
        admin.accept(channel, user);
    }

    @Override
    public ProxyConfig config() {
        return config;
    }

    @Override
    public CancelRegistry cancels() {
        return cancels;
    }

    @Override
    public ClientRegistry clients() {
        return clients;
    }

    @Override
    public TlsContexts tls() {
        return tls;
    }

    /** Makes {@code next} the TLS contexts for connections from now on. */
    void tls(TlsContexts next) {
        tls = next;
    }

    @Override
    public ServerConnector connector() {
        return connector;
    }

    @Override
    public boolean shuttingDown() {
        return shuttingDown;
    }

    public Collection<Pool> pools() {
        return Collections.unmodifiableCollection(pools.values());
    }

    LoopIndex loops() {
        return loops;
    }

    /** RELOAD and SET swap the configuration here. */
    void config(ProxyConfig next) {
        this.config = next;
    }

    /** The levers RELOAD, PAUSE and the rest pull (the admin console's, and SIGHUP's). */
    ServerControl control() {
        return control;
    }

    Clusters clusters() {
        return clusters;
    }

    BackendHealth health() {
        return health;
    }

    /** Where the admin console's timers run (PAUSE polling): the acceptor's loop, never busy. */
    EventExecutor scheduler() {
        return acceptor.next();
    }

    boolean listening() {
        return listener != null && listener.isActive();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The admin console's address, or null when {@code admin.listen} is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** The metrics endpoint's address, or null when {@code metrics.listen} is off. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.address();
    }
}
