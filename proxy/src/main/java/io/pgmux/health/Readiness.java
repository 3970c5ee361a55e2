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
 * shutting down, and every database has a usable backend. Backends are judged by
 * {@link BackendHealth}'s cached probes; as pgmux routes every query to the primary today, a
 * database is usable when its primary is up. A backend pgmux has no credentials to probe does not
 * block readiness (it is reported).
 */
public final class Readiness {
    private final BooleanSupplier listening;
    private final BooleanSupplier shuttingDown;
    private final Supplier<ProxyConfig> config;
    private final BackendHealth health;

    /** The verdict and why: reasons are empty exactly when ready. */
    public record Report(boolean ready, List<String> reasons, List<BackendStatus> backends) {
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
            report.setSuccess(new Report(false, reasons, List.of()));
            return report;
        }
        Future<List<BackendStatus>> checked = health.check();
        checked.addListener(f -> {
            List<BackendStatus> statuses = checked.isSuccess() ? checked.getNow() : List.of();
            for (String db : c.databases().keySet()) {
                for (BackendStatus s : statuses) {
                    if (s.database().equals(db) && s.role() == BackendStatus.Role.PRIMARY
                            && s.health() == BackendStatus.Health.DOWN) {
                        reasons.add("database " + db + ": primary " + s.address() + " is down: " + s.error());
                    }
                }
            }
            report.setSuccess(new Report(reasons.isEmpty(), List.copyOf(reasons), statuses));
        });
        return report;
    }
}
