package io.pgmux.config;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The ranges of a {@code breaker:} or {@code breaker_defaults:} block once mapped. As for pools, a rule
 * is checked only where one of its keys was written under the block: a value left out comes from
 * {@code breaker_defaults}, which is checked itself, or from the built-in defaults, which are valid.
 * A rule between two keys is reported once, at the key the rule is about when it was written here,
 * else at the other one (a database may set one and inherit the other).
 */
final class BreakerRules {

    static final String NEVER_OPENS = "failure_threshold and failure_rate are both 0, so the breaker can never open;"
            + " write enabled: false to turn it off";

    private final BiConsumer<String, String> report;
    private final Predicate<String> written;

    BreakerRules(BiConsumer<String, String> report, Predicate<String> written) {
        this.report = report;
        this.written = written;
    }

    void check(String prefix, BreakerConfig b) {
        String p = prefix + ".";
        if (b.failureThreshold() < 0) {
            at(p, "must be at least 0 (0 turns this rule off)", "failure_threshold");
        }
        if (b.failureRate() < 0 || b.failureRate() > 1) {
            at(p, "must be between 0% and 100%", "failure_rate");
        }
        if (b.enabled() && b.failureThreshold() == 0 && b.failureRate() == 0) {
            at(p, NEVER_OPENS, "failure_threshold", "failure_rate", "enabled");
        }
        if (b.windowCalls() < 0 || b.windowCalls() == 0 && b.windowTime().isZero()) {
            at(p, "must be at least 1 call or a duration greater than 0", "window");
        }
        if (b.minimumCalls() < 1) {
            at(p, "must be at least 1", "minimum_calls");
        } else if (b.windowCalls() > 0 && b.minimumCalls() > b.windowCalls()) {
            // the window would never hold enough calls: failure_rate could never open the breaker
            if (!at(p, "must not exceed window (" + b.windowCalls() + " calls)", "minimum_calls")) {
                at(p, "must not be less than minimum_calls (" + b.minimumCalls() + ")", "window");
            }
        }
        if (b.slowCallThreshold().isNegative()) {
            at(p, "must not be negative", "slow_call_threshold");
        }
        if (!positive(b.openTimeout())) {
            at(p, "must be greater than 0", "open_timeout");
        } else if (b.maxOpenTimeout().compareTo(b.openTimeout()) < 0) {
            if (!at(p, "must not be less than open_timeout (" + Units.format(b.openTimeout()) + ")",
                    "max_open_timeout")) {
                at(p, "must not exceed max_open_timeout (" + Units.format(b.maxOpenTimeout()) + ")", "open_timeout");
            }
        }
        if (b.halfOpenProbes() < 1) {
            at(p, "must be at least 1", "half_open_probes");
        }
    }

    /** Reports at the first of {@code keys} written under the block; false when none was (nothing reported). */
    private boolean at(String p, String reason, String... keys) {
        for (String key : keys) {
            if (written.test(p + key)) {
                report.accept(p + key, reason);
                return true;
            }
        }
        return false;
    }

    private static boolean positive(Duration d) {
        return !d.isZero() && !d.isNegative();
    }
}
