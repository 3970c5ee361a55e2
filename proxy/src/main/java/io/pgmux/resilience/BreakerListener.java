package io.pgmux.resilience;

/**
 * Told of every state change of a {@link CircuitBreaker}, once each and in order, for logs and
 * metrics. Called with the breaker's lock held (that is what keeps the order), so it must be quick,
 * must not block, and must not report calls to the breaker; reading it is fine.
 */
@FunctionalInterface
public interface BreakerListener {

    /** Tells nobody. */
    BreakerListener NONE = (breaker, from, to, reason) -> { };

    /** @param reason why, in words for a log line ("5 consecutive failures, last: ...") */
    void onTransition(CircuitBreaker breaker, CircuitBreaker.State from, CircuitBreaker.State to, String reason);
}
