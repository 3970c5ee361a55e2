package io.pgmux.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgmux.admin.ProxyControl;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.frontend.ClientRegistry;
import io.pgmux.frontend.ClientSession;
import io.pgmux.health.BackendHealth;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;
import io.pgmux.tls.TlsContexts;
import io.pgmux.tls.TlsSetupException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The admin console's levers on the running proxy: PAUSE/RESUME, KILL, RECONNECT, RELOAD, SET
 * and SHUTDOWN, applied to the pools and the configuration of a {@link ProxyServer}.
 */
final class ServerControl implements ProxyControl {
    private static final Logger LOG = Logger.getLogger(ServerControl.class.getName());
    private static final long PAUSE_POLL_MS = 10;
    private static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    private static final String CONFIG_FILE_ERROR = "F0000";

    private final ProxyServer server;
    private final Path configPath;
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private volatile boolean allPaused;

    /** @param configPath the file the configuration came from, or null (then RELOAD is refused) */
    ServerControl(ProxyServer server, Path configPath) {
        this.server = server;
        this.configPath = configPath;
    }

    @Override
    public ProxyConfig config() {
        return server.config();
    }

    @Override
    public Collection<Pool> pools() {
        return server.pools();
    }

    @Override
    public io.pgmux.resilience.Breakers breakers() {
        return server.breakers();
    }

    @Override
    public ClientRegistry clients() {
        return server.clients();
    }

    @Override
    public BackendHealth health() {
        return server.health();
    }

    @Override
    public boolean shuttingDown() {
        return server.shuttingDown();
    }

    @Override
    public Future<?> pause(String database) {
        checkDatabase(database);
        if (database == null) {
            allPaused = true;
        } else {
            paused.add(database);
        }
        List<Pool> affected = poolsOf(database);
        List<Future<?>> taken = new ArrayList<>();
        for (Pool p : affected) {
            taken.add(p.pause());
        }
        EventExecutor timer = server.scheduler();
        Promise<Void> done = timer.newPromise();
        timer.execute(() -> awaitIdle(database, taken, done));
        return done;
    }

    /** Polls until each pool of the database has taken the pause and closed every server connection. */
    private void awaitIdle(String database, List<Future<?>> taken, Promise<Void> done) {
        if (!isPaused(database)) {
            done.tryFailure(new PgException(PgError.error(SqlState.QUERY_CANCELED, "PAUSE canceled by RESUME")));
            return;
        }
        boolean idle = taken.stream().allMatch(Future::isDone)
                && poolsOf(database).stream().allMatch(p -> !p.isPaused() || p.reservedConnections() == 0);
        if (idle) {
            LOG.info(() -> (database == null ? "all databases" : "database \"" + database + "\"")
                    + " paused: every server connection is closed");
            done.trySuccess(null);
        } else {
            server.scheduler().schedule(() -> awaitIdle(database, taken, done), PAUSE_POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void resume(String database) {
        checkDatabase(database);
        if (database == null) {
            if (!allPaused && paused.isEmpty()) {
                throw new PgException(PgError.error(OBJECT_NOT_IN_PREREQUISITE_STATE, "pgmux is not paused"));
            }
            allPaused = false;
            paused.clear();
        } else {
            if (allPaused) {
                throw new PgException(PgError.error(OBJECT_NOT_IN_PREREQUISITE_STATE, "every database is paused")
                        .withHint("RESUME without a database name ends a PAUSE of every database"));
            }
            if (!paused.remove(database)) {
                throw new PgException(PgError.error(OBJECT_NOT_IN_PREREQUISITE_STATE,
                        "database \"" + database + "\" is not paused"));
            }
        }
        for (Pool p : poolsOf(database)) {
            p.resume();
        }
    }

    @Override
    public boolean isPaused(String database) {
        return allPaused || database != null && paused.contains(database);
    }

    @Override
    public void kill(String database) {
        checkDatabase(Objects.requireNonNull(database, "database"));
        int clients = 0;
        for (ClientSession s : server.clients().sessions()) {
            if (s.database().equals(database)) {
                s.clientChannel().close();
                clients++;
            }
        }
        for (Pool p : poolsOf(database)) {
            p.closeAll();
        }
        int n = clients;
        LOG.info(() -> "database \"" + database + "\" killed: " + n + " clients closed, and every server connection");
    }

    @Override
    public void reconnect(String database) {
        checkDatabase(database);
        for (Pool p : poolsOf(database)) {
            p.reconnect();
        }
    }

    @Override
    public synchronized List<String> reload() {
        if (configPath == null) {
            throw new PgException(PgError.error(OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "pgmux was not started from a configuration file: nothing to reload"));
        }
        ProxyConfig loaded;
        try {
            loaded = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            LOG.warning(() -> "RELOAD refused, the configuration in force is unchanged:\n" + e.getMessage());
            // ConfigException messages never hold passwords or URLs (see docs/configuration.md)
            throw new PgException(PgError.error(CONFIG_FILE_ERROR, "configuration file " + configPath
                    + " has errors; the configuration in force is unchanged").withDetail(e.getMessage()));
        }
        TlsContexts tls;
        try {
            // read the files again even when the settings are unchanged: that is how a renewed certificate is picked up
            tls = TlsContexts.load(loaded);
        } catch (TlsSetupException e) {
            LOG.warning(() -> "RELOAD refused, the configuration in force is unchanged: " + e.getMessage());
            throw new PgException(PgError.error(CONFIG_FILE_ERROR, "TLS files of " + configPath
                    + " cannot be used; the configuration in force is unchanged").withDetail(e.getMessage()));
        }
        ProxyConfig current = server.config();
        List<String> notices = new ArrayList<>();
        restartOnly(notices, "listen", current.listen(), loaded.listen());
        restartOnly(notices, "workers", current.workers(), loaded.workers());
        restartOnly(notices, "transport", current.transport().configName(), loaded.transport().configName());
        restartOnly(notices, "admin.listen", current.admin().listen(), loaded.admin().listen());
        restartOnly(notices, "metrics.listen", current.metrics().listen(), loaded.metrics().listen());
        restartOnly(notices, "unix_socket_dir", current.unixSocketDir(), loaded.unixSocketDir());
        ProxyConfig next = new ProxyConfig(current.listen(), current.workers(), current.transport(), loaded.shutdownTimeout(),
                new io.pgmux.config.AdminConfig(current.admin().listen(), loaded.admin().users()),
                current.metrics(), loaded.limits(), loaded.log(), loaded.tls(), loaded.authQuery(), loaded.users(),
                loaded.databases(), loaded.source(), loaded.hba(), current.unixSocketDir());
        apply(next);
        server.tls(tls);
        LOG.info(() -> "configuration reloaded from " + configPath + ": " + next.databases().size() + " databases, "
                + next.users().size() + " users");
        return notices;
    }

    private static boolean timeoutsDiffer(io.pgmux.config.LimitsConfig a, io.pgmux.config.LimitsConfig b) {
        return !a.queryTimeout().equals(b.queryTimeout())
                || !a.idleTransactionTimeout().equals(b.idleTransactionTimeout())
                || !a.clientIdleTimeout().equals(b.clientIdleTimeout());
    }

    private static void restartOnly(List<String> notices, String key, Object now, Object inFile) {
        if (!Objects.equals(now, inFile)) {
            notices.add(key + " changed in the file (" + inFile + "); it takes effect at the next restart");
        }
    }

    @Override
    public synchronized void update(UnaryOperator<ProxyConfig> change) {
        apply(change.apply(server.config()));
    }

    /** Swaps the configuration and brings pools and logging in line with it. */
    private void apply(ProxyConfig next) {
        ProxyConfig old = server.config();
        server.config(next);
        if (old.log().format() != next.log().format()) {
            LogSetup.apply(next.log());
        } else if (!old.log().level().equals(next.log().level())) {
            LogSetup.setLevel(next.log().level());
        }
        server.clusters().apply(next);
        if (timeoutsDiffer(old.limits(), next.limits())) {
            server.clients().timeoutsChanged(); // connected clients too: a shorter timeout must not wait for the old one
        }
        for (Pool pool : server.pools()) {
            DatabaseConfig db = next.databases().get(pool.key().database());
            if (db == null) {
                continue; // removed: its pool serves the clients still connected; new logins get 3D000
            }
            pool.updateSettings(PoolSettingsFactory.from(db, next.limits()));
            BackendUrl url = Clusters.urlOf(db, pool.key().backend());
            if (url == null) {
                pool.reconnect(); // a replica no longer configured: its connections close as they come back
                continue;
            }
            // the same breaker, or a new (closed) one when the database's breaker: block changed
            pool.breaker(server.breakers().of(db.name(), pool.key().backend(), url.hostPort(), db.breaker()));
            UserConfig user = next.user(pool.key().user()).orElse(null);
            if (url.user() == null && user == null) {
                continue; // the user is gone: its connected clients keep their pool as it is
            }
            ServerTarget target = server.target(db.name(), url, user, next.users());
            if (target.user().equals(pool.key().user())) {
                pool.updateTarget(target);
            } else {
                pool.reconnect(); // the server user changed: new clients get a new pool, this one drains
            }
        }
    }

    @Override
    public void shutdown() {
        Thread t = new Thread(() -> server.shutdown(server.config().shutdownTimeout()), "pgmux-admin-shutdown");
        t.setDaemon(false);
        t.start();
    }

    private List<Pool> poolsOf(String database) {
        List<Pool> out = new ArrayList<>();
        for (Pool p : server.pools()) {
            if (database == null || p.key().database().equals(database)) {
                out.add(p);
            }
        }
        return out;
    }

    private void checkDatabase(String database) {
        if (database != null && server.config().database(database).isEmpty() && poolsOf(database).isEmpty()) {
            throw new PgException(PgError.error(SqlState.INVALID_CATALOG_NAME, "no such database: \"" + database + "\""));
        }
    }
}
