package io.pgmux.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * When a {@link CircuitBreaker} opens and how it comes back. Immutable; a reload builds a new
 * breaker rather than changing one.
 *
 * @param failureThreshold  consecutive failures that open the breaker
 * @param failureRate       share of failed calls in the window (up to 1) that opens it; 0 turns the rule off
 * @param window            the recent calls the rate and latency rules look at
 * @param minimumCalls      calls the window must hold before the rate and latency rules apply, so
 *                          that 1 failure out of 1 call does not count as a 100% failure rate
 * @param slowCallThreshold the breaker opens when the 99th percentile of the window's successful
 *                          calls' latencies is above this; zero turns the latency rule off
 * @param openTimeout       how long it stays open before letting probes through
 * @param halfOpenProbes    probes that must all succeed to close it again (also the most in flight)
 * @param maxOpenTimeout    the cap of the exponential backoff when probes keep failing
 */
public record BreakerSettings(int failureThreshold, double failureRate, WindowSize window, int minimumCalls,
                              Duration slowCallThreshold, Duration openTimeout, int halfOpenProbes,
                              Duration maxOpenTimeout) {

    public BreakerSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(slowCallThreshold, "slowCallThreshold");
        Objects.requireNonNull(openTimeout, "openTimeout");
        Objects.requireNonNull(maxOpenTimeout, "maxOpenTimeout");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failure threshold must be at least 1, not " + failureThreshold);
        }
        // NaN fails both comparisons' negations, so it is rejected too
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure rate must be from 0 (rule off) to 1, not " + failureRate);
        }
        if (minimumCalls < 1) {
            throw new IllegalArgumentException("minimum calls must be at least 1, not " + minimumCalls);
        }
        if (window instanceof WindowSize.Calls calls && minimumCalls > calls.count()) {
            // the window could never hold enough calls: the rate and latency rules would never apply
            throw new IllegalArgumentException("minimum calls (" + minimumCalls + ") exceed the window (" + calls + ")");
        }
        if (slowCallThreshold.isNegative()) {
            throw new IllegalArgumentException("slow call threshold must not be negative, not " + slowCallThreshold);
        }
        if (openTimeout.isNegative() || openTimeout.isZero()) {
            throw new IllegalArgumentException("open timeout must be positive, not " + openTimeout);
        }
        if (halfOpenProbes < 1) {
            throw new IllegalArgumentException("half-open probes must be at least 1, not " + halfOpenProbes);
        }
        if (maxOpenTimeout.compareTo(openTimeout) < 0) {
            throw new IllegalArgumentException("max open timeout (" + maxOpenTimeout + ") is below the open timeout ("
                    + openTimeout + ")");
        }
    }

    /** The defaults documented in docs/configuration.md. */
    public static BreakerSettings defaults() {
        return new BreakerSettings(5, 0.5, WindowSize.calls(20), 10, Duration.ZERO, Duration.ofSeconds(10), 3,
                Duration.ofMinutes(2));
    }

    /** The latency rule is on. */
    public boolean tracksSlowCalls() {
        return !slowCallThreshold.isZero();
    }
}
