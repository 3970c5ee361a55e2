package io.pgmux.routing;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.backend.MonitorConnection;
import io.pgmux.backend.ServerConnector;
import io.pgmux.backend.ServerLoginException;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.RoutingConfig;
import io.pgmux.protocol.PgException;
import io.pgmux.resilience.CircuitBreaker;
import io.pgmux.resilience.FailureClassifier;
import io.pgmux.resilience.FailureKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Checks every server of one {@link Cluster} every {@code routing.health_check_interval}, over its
 * own long-lived connections (pgmux's protocol client, not JDBC): is it up, is it in the role the
 * configuration says (a replica that was promoted, a primary in recovery), how far is each replica
 * behind the primary's WAL, in bytes and in replay time. Replicas beyond {@code max_replica_lag} or
 * failing checks leave the rotation and come back when they recover. Every change is logged once.
 */
public final class ClusterMonitor {
    private static final Logger LOG = Logger.getLogger(ClusterMonitor.class.getName());
    static final String PRIMARY_CHECK = "SELECT pg_catalog.pg_is_in_recovery(), CASE WHEN pg_catalog.pg_is_in_recovery()"
            + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END";
    static final String REPLICA_CHECK = "SELECT pg_catalog.pg_is_in_recovery(), pg_catalog.pg_last_wal_replay_lsn(),"
            + " COALESCE(EXTRACT(EPOCH FROM now() - pg_catalog.pg_last_xact_replay_timestamp()), 0)";

    private final Cluster cluster;
    private final EventLoop loop;
    private final List<Check> checks = new ArrayList<>();
    private ScheduledFuture<?> timer;

    /** One backend's monitor connection; null connection when pgmux has no credentials for it. */
    private record Check(Backend backend, MonitorConnection connection) {
    }

    /**
     * @param targets the credentials to check each backend with (null when none are known: such a
     *                backend stays UNKNOWN, which routing treats as usable)
     */
    public ClusterMonitor(Cluster cluster, ServerConnector connector, EventLoop loop, Function<Backend, ServerTarget> targets) {
        this.cluster = cluster;
        this.loop = loop;
        for (Backend b : cluster.backends()) {
            ServerTarget t = targets.apply(b);
            if (t == null) {
                b.unmonitored();
                LOG.warning(() -> "no credentials to check " + b + " of " + cluster.database()
                        + " (give a user in its URL or a user with a plain password): its health is not monitored");
            }
            checks.add(new Check(b, t == null ? null
                    : new MonitorConnection(connector, loop, t, cluster.routing().healthCheckTimeout())));
        }
    }

    public void start() {
        loop.execute(this::tick);
    }

    public void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
        for (Check c : checks) {
            if (c.connection() != null) {
                c.connection().close();
            }
        }
    }

    private void tick() {
        for (Check c : checks) {
            if (c.connection() != null && !c.connection().busy()) {
                check(c); // a check still running (a slow server) is left to finish or time out
            }
        }
        long every = Math.max(50, cluster.routing().healthCheckInterval().toMillis());
        timer = loop.schedule(this::tick, every, TimeUnit.MILLISECONDS);
    }

    private void check(Check c) {
        Backend b = c.backend();
        boolean primary = b.role() == Backend.Role.PRIMARY;
        CircuitBreaker breaker = reportsTo(b.breaker());
        long start = System.nanoTime();
        Future<List<String>> f = c.connection().query(primary ? PRIMARY_CHECK : REPLICA_CHECK);
        f.addListener(x -> {
            Backend.Health before = b.health();
            if (breaker != null) {
                report(breaker, f, System.nanoTime() - start);
            }
            if (!f.isSuccess()) {
                String why = String.valueOf(f.cause().getMessage());
                b.checked(Backend.Health.DOWN, b.walLsn(), b.lagBytes(), b.lagSeconds(), why);
            } else if (primary) {
                onPrimary(b, f.getNow());
            } else {
                onReplica(b, f.getNow());
            }
            if (b.health() != before) {
                LOG.info(() -> cluster.database() + ": " + b + " " + before + " -> " + b.health()
                        + (b.problem().isEmpty() ? "" : " (" + b.problem() + ")"));
            }
        });
    }

    /**
     * The breaker a check reports to, or null. Closed: every check is a call (a failing check counts
     * towards opening it even when no client is connected). Open: none until its open timeout has
     * passed; then checks are its half-open probes, so a server that came back closes its breaker
     * without waiting for client traffic to probe it.
     */
    private static CircuitBreaker reportsTo(CircuitBreaker b) {
        if (b == null) {
            return null;
        }
        return b.state() == CircuitBreaker.State.CLOSED || b.tryAcquirePermission() ? b : null;
    }

    private static void report(CircuitBreaker b, Future<List<String>> f, long nanos) {
        if (f.isSuccess()) {
            b.onSuccess(nanos);
            return;
        }
        Throwable cause = f.cause();
        Optional<FailureKind> kind;
        if (cause instanceof PgException e) {
            kind = FailureClassifier.ofSqlState(e.error().code(), false);
        } else if (cause instanceof ServerLoginException e) {
            kind = e.failureKind();
        } else if (cause instanceof IllegalStateException) {
            kind = Optional.of(FailureKind.CONNECTION_LOST); // the server closed the check's connection
        } else {
            kind = FailureClassifier.ofThrowable(cause);
        }
        String why = "health check: " + cause.getMessage();
        kind.ifPresentOrElse(k -> b.onFailure(k, why), b::onIgnored);
    }

    private void onPrimary(Backend b, List<String> row) {
        boolean inRecovery = "t".equals(row.get(0));
        long lsn = Lsn.parse(row.get(1));
        if (inRecovery) {
            b.checked(Backend.Health.DEMOTED, lsn, 0, 0, "the configured primary is in recovery (a standby)");
        } else {
            b.checked(Backend.Health.UP, lsn, 0, 0, "");
        }
    }

    private void onReplica(Backend b, List<String> row) {
        boolean inRecovery = "t".equals(row.get(0));
        long replayed = Lsn.parse(row.get(1));
        if (!inRecovery) {
            b.checked(Backend.Health.PROMOTED, 0, 0, 0, "no longer in recovery: promoted to a primary");
            return;
        }
        long primaryLsn = cluster.primary().walLsn();
        long behind = primaryLsn == 0 || replayed == 0 ? 0 : Math.max(0, primaryLsn - replayed);
        // replay time only means lag while WAL is outstanding: an idle primary makes the timestamp old
        double seconds = behind > 0 ? Double.parseDouble(row.get(2)) : 0;
        RoutingConfig r = cluster.routing();
        if (r.maxReplicaLagBytes() > 0 && behind > r.maxReplicaLagBytes()) {
            b.checked(Backend.Health.LAGGING, replayed, behind, seconds, behind + " bytes behind the primary");
        } else if (!r.maxReplicaLagTime().isZero() && seconds * 1000 > r.maxReplicaLagTime().toMillis()) {
            b.checked(Backend.Health.LAGGING, replayed, behind, seconds, String.format("%.1f s behind the primary", seconds));
        } else {
            b.checked(Backend.Health.UP, replayed, behind, seconds, "");
        }
    }
}
