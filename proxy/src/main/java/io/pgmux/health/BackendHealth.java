package io.pgmux.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.pgmux.backend.ServerConnector;
import io.pgmux.backend.ServerLoginException;
import io.pgmux.backend.ServerProbe;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.protocol.PgException;
import io.pgmux.routing.Cluster;
import io.pgmux.routing.ClusterMonitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Whether each configured backend answers. For a database with replicas, the
 * {@link ClusterMonitor}'s periodic checks already say (with role and lag), and are used as they
 * are. Other backends are probed when someone asks ({@code /health/ready}, SHOW BACKENDS, a metrics
 * scrape): a fresh connection running {@code SELECT pg_is_in_recovery()}, its result reused for
 * {@link #ttl} so frequent callers never hammer a server. Up/down transitions are logged once.
 */
public final class BackendHealth {
    private static final Logger LOG = Logger.getLogger(BackendHealth.class.getName());
    private static final String PROBE_SQL = "SELECT pg_is_in_recovery()";

    private final ServerConnector connector;
    private final Supplier<EventLoop> loops;
    private final Supplier<ProxyConfig> config;
    private final Duration ttl;
    private final Duration timeout;
    private final Map<String, BackendStatus> last = new ConcurrentHashMap<>();
    private final Map<String, Future<BackendStatus>> inFlight = new ConcurrentHashMap<>();
    private final Function<String, List<Cluster>> clusters;

    /**
     * @param loops   where probe connections run (any worker loop)
     * @param ttl     how long a probe result is reused
     * @param timeout connect, login and query limit of one probe
     * @param clusters the monitored clusters of a database (one per shard), empty when it has no replicas or shards
     */
    public BackendHealth(ServerConnector connector, Supplier<EventLoop> loops, Supplier<ProxyConfig> config,
                         Duration ttl, Duration timeout, Function<String, List<Cluster>> clusters) {
        this.clusters = clusters;
        this.connector = connector;
        this.loops = loops;
        this.config = config;
        this.ttl = ttl;
        this.timeout = timeout;
    }

    /** The status of every configured backend, probing those whose last result is older than the TTL. */
    public Future<List<BackendStatus>> check() {
        List<Backend> backends = backends(config.get());
        Promise<List<BackendStatus>> all = ImmediateEventExecutor.INSTANCE.newPromise();
        if (backends.isEmpty()) {
            all.setSuccess(List.of());
            return all;
        }
        BackendStatus[] results = new BackendStatus[backends.size()];
        AtomicInteger remaining = new AtomicInteger(backends.size());
        for (int i = 0; i < backends.size(); i++) {
            int slot = i;
            status(backends.get(i)).addListener(f -> {
                @SuppressWarnings("unchecked")
                BackendStatus s = ((Future<BackendStatus>) f).getNow();
                results[slot] = s;
                if (remaining.decrementAndGet() == 0) {
                    all.setSuccess(List.of(results));
                }
            });
        }
        return all;
    }

    /** The last known status of every configured backend, without probing. */
    public List<BackendStatus> lastKnown() {
        List<BackendStatus> out = new ArrayList<>();
        for (Backend b : backends(config.get())) {
            BackendStatus monitored = monitored(b);
            out.add(monitored != null ? monitored : last.getOrDefault(b.status().key(), b.status()));
        }
        return out;
    }

    /** What the cluster monitor last saw of {@code b}, or null when it does not watch it. */
    private BackendStatus monitored(Backend b) {
        List<Cluster> shards = clusters.apply(b.status().database());
        if (b.shard() >= shards.size() || b.index() >= shards.get(b.shard()).backends().size()) {
            return null;
        }
        Cluster cluster = shards.get(b.shard());
        io.pgmux.routing.Backend m = cluster.backends().get(b.index());
        if (!m.url().equals(b.url()) || m.checkedAtMillis() == 0) {
            return null;
        }
        BackendStatus base = b.status();
        BackendStatus.Health h = BackendStatus.Health.valueOf(m.health().name());
        boolean replica = m.role() == io.pgmux.routing.Backend.Role.REPLICA;
        Boolean inRecovery = switch (m.health()) {
            case DOWN, UNKNOWN -> null;
            case PROMOTED -> false;
            case DEMOTED -> true;
            default -> replica;
        };
        return new BackendStatus(base.database(), base.role(), base.address(), h, inRecovery,
                m.problem().isEmpty() ? null : m.problem(), m.checkedAtMillis(),
                replica ? m.lagBytes() : null, replica ? m.lagSeconds() : null);
    }

    private synchronized Future<BackendStatus> status(Backend b) {
        BackendStatus monitored = monitored(b);
        if (monitored != null) {
            logTransition(last.put(key(b), monitored), monitored);
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(monitored);
        }
        String key = b.status().key();
        BackendStatus known = last.get(key);
        if (known != null && System.currentTimeMillis() - known.checkedAtMillis() < ttl.toMillis()) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(known);
        }
        Future<BackendStatus> running = inFlight.get(key);
        if (running != null) {
            return running;
        }
        Promise<BackendStatus> result = ImmediateEventExecutor.INSTANCE.newPromise();
        inFlight.put(key, result);
        probe(b, result);
        return result;
    }

    private void probe(Backend b, Promise<BackendStatus> result) {
        BackendStatus base = b.status();
        if (b.target() == null) {
            finish(b, result, new BackendStatus(base.database(), base.role(), base.address(),
                    BackendStatus.Health.UNKNOWN, null,
                    "no credentials to probe with: give the backend URL a user and password", System.currentTimeMillis()));
            return;
        }
        Future<List<String>> query = ServerProbe.query(connector, loops.get(), b.target(), timeout, PROBE_SQL);
        query.addListener(f -> finish(b, result, query.isSuccess()
                ? new BackendStatus(base.database(), base.role(), base.address(), BackendStatus.Health.UP,
                        "t".equals(first(query.getNow())), null, System.currentTimeMillis())
                : new BackendStatus(base.database(), base.role(), base.address(), BackendStatus.Health.DOWN,
                        null, reason(query.cause()), System.currentTimeMillis())));
    }

    private void finish(Backend b, Promise<BackendStatus> result, BackendStatus s) {
        BackendStatus previous = last.put(key(b), s);
        logTransition(previous, s);
        inFlight.remove(key(b), result);
        result.setSuccess(s);
    }

    private static String key(Backend b) {
        return b.status().key();
    }

    private static void logTransition(BackendStatus previous, BackendStatus now) {
        BackendStatus.Health before = previous == null ? BackendStatus.Health.UNKNOWN : previous.health();
        if (before == now.health()) {
            return;
        }
        String which = now.role().label() + " " + now.address() + " of database \"" + now.database() + "\"";
        if (now.health() == BackendStatus.Health.UP) {
            LOG.info(() -> "backend up: " + which);
        } else if (now.health() == BackendStatus.Health.DOWN) {
            LOG.warning(() -> "backend down: " + which + ": " + now.error());
        } else {
            LOG.warning(() -> "backend " + now.health().label() + ": " + which
                    + (now.error() == null ? "" : ": " + now.error()));
        }
    }

    private static String first(List<String> row) {
        return row.isEmpty() ? null : row.get(0);
    }

    /** The error's message; ServerProbe and ServerConnector errors never carry a password. */
    private static String reason(Throwable t) {
        if (t instanceof ServerLoginException e) {
            return e.error().message();
        }
        if (t instanceof PgException e) {
            return e.error().message();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** A configured backend: {@code index} is its place in its database (0 primary, then replicas). */
    private record Backend(BackendStatus status, ServerTarget target, BackendUrl url, int shard, int index) {
    }

    /**
     * The name of each server, in the order of {@link #check()}'s statuses: {@code primary},
     * {@code replica1}... or {@code shard0}, {@code shard0-replica1}... (as its pools and breaker are named).
     */
    public static List<String> serverNames(ProxyConfig config) {
        List<String> out = new ArrayList<>();
        for (DatabaseConfig db : config.databases().values()) {
            for (int s = 0; s < db.shards().size(); s++) {
                out.add(Cluster.primaryName(db, s));
                for (int i = 0; i < db.shards().get(s).replicas().size(); i++) {
                    out.add(Cluster.replicaName(db, s, i));
                }
            }
        }
        return out;
    }

    /** Every server of every database: each shard's primary, then its replicas. */
    private static List<Backend> backends(ProxyConfig config) {
        List<Backend> out = new ArrayList<>();
        for (DatabaseConfig db : config.databases().values()) {
            for (int s = 0; s < db.shards().size(); s++) {
                io.pgmux.config.ShardConfig shard = db.shards().get(s);
                out.add(backend(db.name(), BackendStatus.Role.PRIMARY, shard.primary(), s, 0, config.users()));
                for (int i = 0; i < shard.replicas().size(); i++) {
                    out.add(backend(db.name(), BackendStatus.Role.REPLICA, shard.replicas().get(i), s, i + 1,
                            config.users()));
                }
            }
        }
        return out;
    }

    private static Backend backend(String database, BackendStatus.Role role, BackendUrl url, int shard, int index,
                                   List<UserConfig> users) {
        String address = url.hostPort();
        return new Backend(BackendStatus.unknown(database, role, address), probeTarget(url, users), url, shard, index);
    }

    /**
     * The URL's user and password; without a user in the URL, the first user with a plain password
     * (what pgmux itself would log in with for that client); null when there is none.
     */
    public static ServerTarget probeTarget(BackendUrl url, List<UserConfig> users) {
        if (url.user() != null) {
            String password = url.password();
            if (password == null) {
                password = users.stream().filter(u -> u.name().equals(url.user())).findFirst()
                        .flatMap(UserConfig::plainPassword).orElse(null);
            }
            return ServerTarget.of(url, url.database(), url.user(), password);
        }
        for (UserConfig u : users) {
            if (u.plainPassword().isPresent()) {
                return ServerTarget.of(url, url.database(), u.name(), u.plainPassword().get());
            }
        }
        return null;
    }
}
