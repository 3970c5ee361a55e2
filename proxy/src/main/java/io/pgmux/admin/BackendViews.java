package io.pgmux.admin;

import io.pgmux.health.BackendStatus;

import java.util.List;

/**
 * SHOW BACKENDS and SHOW BREAKERS (pgmux's own). Health comes from probing each backend (a login
 * and {@code SELECT pg_is_in_recovery()}, cached a few seconds). Replica lag and circuit breakers
 * do not exist yet: lag and breaker read {@code n/a}, and SHOW BREAKERS has its columns but no
 * rows, rather than values that would look measured.
 */
final class BackendViews {
    static final String NOT_AVAILABLE = "n/a";

    private BackendViews() {
    }

    static ResultTable backends(List<BackendStatus> statuses) {
        ResultTable.Builder t = ResultTable.builder("database", "role", "address", "health", "in_recovery",
                "checked_at", "last_error", "lag", "breaker");
        for (BackendStatus s : statuses) {
            t.row(s.database(), s.role().label(), s.address(), s.health().label(),
                    s.inRecovery() == null ? null : s.inRecovery() ? "t" : "f", Formats.time(s.checkedAtMillis()),
                    s.error(), NOT_AVAILABLE, NOT_AVAILABLE);
        }
        return t.build();
    }

    static ResultTable breakers() {
        return ResultTable.builder("database", "role", "address", "state", "failures", "opened_at", "next_probe")
                .build();
    }
}
