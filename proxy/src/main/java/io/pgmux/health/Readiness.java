package io.pgmux.health;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.pgmux.config.ProxyConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Whether pgmux should get traffic ({@code /health/ready}): it listens, has a configuration, is not
 * shutting down, and every database has at least one usable backend. Backends are judged by the
 * health checks ({@link BackendHealth}). A database whose primary (or one shard's primary) is down
 * while another of its servers answers is <em>degraded</em>, not down: reads keep being served by
 * its replicas (issue 7, graceful degradation), so pgmux stays ready and names the database in
 * {@code degraded}. A backend pgmux has no credentials to probe does not block readiness.
 */
public final class Readiness {
    private final BooleanSupplier listening;
    private final BooleanSupplier shuttingDown;
    private final Supplier<ProxyConfig> config;
    private final BackendHealth health;

    /**
     * The verdict and why: reasons are empty exactly when ready; {@code degraded} says what is
     * wrong with the databases that still serve (ready or not).
     */
    public record Report(boolean ready, List<String> reasons, List<String> degraded, List<BackendStatus> backends) {
    }

    public Readiness(BooleanSupplier listening, BooleanSupplier shuttingDown, Supplier<ProxyConfig> config,
                     BackendHealth health) {
        this.listening = listening;
        this.shuttingDown = shuttingDown;
        this.config = config;
        this.health = health;
    }

    public Future<Report> check() {
        Promise<Report> report = ImmediateEventExecutor.INSTANCE.newPromise();
        List<String> reasons = new ArrayList<>();
        if (shuttingDown.getAsBoolean()) {
            reasons.add("shutting down");
        }
        if (!listening.getAsBoolean()) {
            reasons.add("not listening for clients");
        }
        ProxyConfig c = config.get();
        if (c == null) {
            reasons.add("no configuration loaded");
            report.setSuccess(new Report(false, reasons, List.of(), List.of()));
            return report;
        }
        Future<List<BackendStatus>> checked = health.check();
        checked.addListener(f -> {
            List<BackendStatus> statuses = checked.isSuccess() ? checked.getNow() : List.of();
            List<String> degraded = new ArrayList<>();
            for (String db : c.databases().keySet()) {
                judge(db, statuses, reasons, degraded);
            }
            report.setSuccess(new Report(reasons.isEmpty(), List.copyOf(reasons), List.copyOf(degraded), statuses));
        });
        return report;
    }

    /** Down (a reason) when no server of {@code db} is usable; degraded when a primary is down but some server answers. */
    private static void judge(String db, List<BackendStatus> statuses, List<String> reasons, List<String> degraded) {
        List<String> primariesDown = new ArrayList<>();
        boolean someUsable = false;
        for (BackendStatus s : statuses) {
            if (!s.database().equals(db)) {
                continue;
            }
            if (s.health() == BackendStatus.Health.DOWN) {
                if (s.role() == BackendStatus.Role.PRIMARY) {
                    primariesDown.add("primary " + s.address() + " is down: " + s.error());
                }
            } else if (s.health() == BackendStatus.Health.UP || s.health() == BackendStatus.Health.UNKNOWN) {
                someUsable = true;
            }
        }
        if (primariesDown.isEmpty()) {
            return;
        }
        String what = String.join("; ", primariesDown);
        if (someUsable) {
            degraded.add("database " + db + ": " + what + " (other servers still serve; writes there fail)");
        } else {
            reasons.add("database " + db + ": " + what);
        }
    }
}
