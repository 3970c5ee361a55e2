package io.pgmux.admin;

import io.pgmux.health.BackendStatus;

import java.util.List;

/**
 * SHOW BACKENDS and SHOW BREAKERS (pgmux's own). Health, role and lag come from the routing
 * monitor's checks for databases with replicas, from an on-demand probe (cached a few seconds) for
 * the others. The breaker column and SHOW BREAKERS show each server's circuit breaker
 * ({@code n/a} where a database turns breakers off).
 */
final class BackendViews {
    static final String NOT_AVAILABLE = "n/a";

    private BackendViews() {
    }

    /**
     * @param names each status's server name ({@code primary}, {@code replica1}, {@code shard0},
     *              {@code shard0-replica1}...), in the same order; a list of another size (a RELOAD
     *              came in between) leaves the column NULL
     */
    static ResultTable backends(List<BackendStatus> statuses, List<String> names, io.pgmux.resilience.Breakers breakers) {
        ResultTable.Builder t = ResultTable.builder("database", "role", "server", "address", "health", "in_recovery",
                "checked_at", "last_error", "lag_bytes", "lag_seconds", "breaker");
        boolean named = names.size() == statuses.size();
        for (int i = 0; i < statuses.size(); i++) {
            BackendStatus s = statuses.get(i);
            String name = named ? names.get(i) : null;
            t.row(s.database(), role(s, name), name, s.address(), s.health().label(),
                    s.inRecovery() == null ? null : s.inRecovery() ? "t" : "f", Formats.time(s.checkedAtMillis()),
                    s.error(), s.lagBytes(), s.lagSeconds() == null ? null
                            : String.format(java.util.Locale.ROOT, "%.3f", s.lagSeconds()), breakerState(breakers, s));
        }
        return t.build();
    }

    /** primary, replica, or shard for the primary of a shard of a sharded database. */
    private static String role(BackendStatus s, String name) {
        return s.role() == BackendStatus.Role.PRIMARY && name != null && name.startsWith("shard") ? "shard"
                : s.role().label();
    }

    private static String breakerState(io.pgmux.resilience.Breakers breakers, BackendStatus s) {
        io.pgmux.resilience.CircuitBreaker.State state = breakers.stateOf(s.database(), s.address());
        return state == null ? NOT_AVAILABLE : state.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * One row per server with a breaker: its state, failures (total, and in a row), opens, calls
     * refused while open, when it last opened and when the next attempt goes through.
     */
    static ResultTable breakers(io.pgmux.resilience.Breakers breakers) {
        ResultTable.Builder t = ResultTable.builder("database", "role", "address", "state", "failures",
                "consecutive_failures", "opens", "rejected", "opened_at", "next_probe", "last_failure");
        for (io.pgmux.resilience.Breakers.Named n : breakers.all()) {
            io.pgmux.resilience.BreakerSnapshot s = n.breaker().snapshot();
            t.row(n.database(), n.backend(), n.address(), s.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    s.failures(), s.consecutiveFailures(), s.opens(), s.rejected(),
                    s.openedAtMillis() == 0 ? null : Formats.time(s.openedAtMillis()),
                    s.retryAtMillis() == 0 ? null : Formats.time(s.retryAtMillis()),
                    s.lastFailure().isEmpty() ? null : s.lastFailure());
        }
        return t.build();
    }
}
