package io.pgmux.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breaker of one database's backends ({@code breaker:} block, merged over
 * {@code breaker_defaults:}). Every server of the database (its primary, each replica, each shard's)
 * gets a breaker of its own with these settings: one bad replica must not take its healthy siblings
 * out with it. docs/resilience.md describes the states and what counts as a failure.
 *
 * @param enabled           false: the breaker never opens (calls are still counted, for SHOW BREAKERS)
 * @param failureThreshold  this many failed calls in a row open the breaker, however few calls came
 *                          before; 0 = this rule is off
 * @param failureRate       this share (0..1) of failed calls in the window opens the breaker, once the
 *                          window holds {@code minimumCalls} calls; 0 = this rule is off
 * @param windowCalls       the window is the last this many calls; 0 when it is a stretch of time
 * @param windowTime        ... or the calls of this last stretch of time; zero when it is a count
 * @param minimumCalls      calls the window must hold before {@code failureRate} is judged, so that
 *                          one failure out of two calls is not "50%"
 * @param slowCallThreshold a call that succeeds but takes longer than this counts as failed; zero = off
 * @param openTimeout       how long the breaker stays open the first time before letting probes through
 * @param maxOpenTimeout    the cap of that wait, which doubles each time a probe fails
 * @param halfOpenProbes    calls let through when half open; all must succeed to close the breaker
 */
public record BreakerConfig(boolean enabled, int failureThreshold, double failureRate, int windowCalls,
                            Duration windowTime, int minimumCalls, Duration slowCallThreshold,
                            Duration openTimeout, Duration maxOpenTimeout, int halfOpenProbes) {

    /**
     * Rejects nulls and a window that is both a count and a time (the file cannot say that: one
     * {@code window} value is one or the other). Value ranges are checked when a file is loaded.
     */
    public BreakerConfig {
        Objects.requireNonNull(windowTime, "windowTime");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold");
        Objects.requireNonNull(openTimeout, "openTimeout");
        Objects.requireNonNull(maxOpenTimeout, "maxOpenTimeout");
        if (windowCalls != 0 && !windowTime.isZero()) {
            throw new IllegalArgumentException("a window is a number of calls or a time, not both");
        }
    }

    /** On; 5 failures in a row or 50% of the last 20 calls (at least 10); open 10s doubling up to 2m; 3 probes. */
    public static BreakerConfig defaults() {
        return new BreakerConfig(true, 5, 0.5, 20, Duration.ZERO, 10, Duration.ZERO, Duration.ofSeconds(10),
                Duration.ofMinutes(2), 3);
    }

    /** Whether the window is the calls of a stretch of time rather than the last {@link #windowCalls()} calls. */
    public boolean timeWindow() {
        return windowCalls == 0;
    }
}
