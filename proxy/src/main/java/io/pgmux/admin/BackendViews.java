package io.pgmux.admin;

import io.pgmux.health.BackendStatus;

import java.util.List;

/**
 * SHOW BACKENDS and SHOW BREAKERS (pgmux's own). Health, role and lag come from the routing
 * monitor's checks for databases with replicas, from an on-demand probe (cached a few seconds) for
 * the others. Circuit breakers do not exist yet: breaker reads {@code n/a}, and SHOW BREAKERS has
 * its columns but no rows, rather than values that would look measured.
 */
final class BackendViews {
    static final String NOT_AVAILABLE = "n/a";

    private BackendViews() {
    }

    static ResultTable backends(List<BackendStatus> statuses) {
        ResultTable.Builder t = ResultTable.builder("database", "role", "address", "health", "in_recovery",
                "checked_at", "last_error", "lag_bytes", "lag_seconds", "breaker");
        for (BackendStatus s : statuses) {
            t.row(s.database(), s.role().label(), s.address(), s.health().label(),
                    s.inRecovery() == null ? null : s.inRecovery() ? "t" : "f", Formats.time(s.checkedAtMillis()),
                    s.error(), s.lagBytes(), s.lagSeconds() == null ? null
                            : String.format(java.util.Locale.ROOT, "%.3f", s.lagSeconds()), NOT_AVAILABLE);
        }
        return t.build();
    }

    static ResultTable breakers() {
        return ResultTable.builder("database", "role", "address", "state", "failures", "opened_at", "next_probe")
                .build();
    }
}
