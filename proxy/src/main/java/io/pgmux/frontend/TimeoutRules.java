package io.pgmux.frontend;

import io.pgmux.config.LimitsConfig;

/**
 * Which of the client timeouts ({@code limits.query_timeout}, {@code idle_transaction_timeout},
 * {@code client_idle_timeout}) is due, and when the next check should run. Pure: the session
 * reports its {@link Phase} and the stamp that phase started at, {@link SessionTimer} acts.
 *
 * <p>The next check is never later than the earliest moment any timeout could fall due, whatever
 * the session does in between: a phase entered after a check starts its clock no earlier than that
 * check, so waking after the shortest configured timeout (or the current phase's deadline, if
 * sooner) is enough. That lets a session keep one lazily re-armed timer instead of scheduling one
 * per request.
 *
 * @param queryNanos            {@code query_timeout} in nanoseconds; zero = off
 * @param idleTransactionNanos  {@code idle_transaction_timeout} in nanoseconds; zero = off
 * @param clientIdleNanos       {@code client_idle_timeout} in nanoseconds; zero = off
 */
record TimeoutRules(long queryNanos, long idleTransactionNanos, long clientIdleNanos) {

    /** What the session is doing, as far as its timeouts care. */
    enum Phase {
        /** A server works on the client's request (forwarded, its ReadyForQuery not back): query_timeout. */
        BUSY,
        /** Inside a transaction, the server waiting on the client: idle_transaction_timeout. */
        IDLE_IN_TRANSACTION,
        /** Between transactions, nothing in flight: client_idle_timeout. */
        IDLE,
        /** None applies: waiting for a server (query_wait_timeout's business), pgmux's own requests, closed. */
        EXEMPT
    }

    /** What the timer must do now. */
    enum Action { NONE, CANCEL_QUERY, END_IDLE_TRANSACTION, END_IDLE_SESSION }

    /** Returned by {@link #nextCheck} when no timeout is configured: no timer needed. */
    static final long NEVER = Long.MAX_VALUE;
    /** Floor of a re-arm, so rounding cannot spin the timer. */
    static final long MIN_DELAY_NANOS = 1_000_000;

    static TimeoutRules of(LimitsConfig limits) {
        return new TimeoutRules(limits.queryTimeout().toNanos(), limits.idleTransactionTimeout().toNanos(),
                limits.clientIdleTimeout().toNanos());
    }

    /** True when at least one timeout is on. */
    boolean any() {
        return queryNanos > 0 || idleTransactionNanos > 0 || clientIdleNanos > 0;
    }

    /** The timeout that watches {@code phase}; zero when it is off or none does. */
    long limitOf(Phase phase) {
        return switch (phase) {
            case BUSY -> queryNanos;
            case IDLE_IN_TRANSACTION -> idleTransactionNanos;
            case IDLE -> clientIdleNanos;
            case EXEMPT -> 0;
        };
    }

    /** The action due for a session in {@code phase} since {@code sinceNanos}, at {@code nowNanos}. */
    Action due(Phase phase, long sinceNanos, long nowNanos) {
        long limit = limitOf(phase);
        if (limit == 0 || nowNanos - sinceNanos < limit) {
            return Action.NONE;
        }
        return switch (phase) {
            case BUSY -> Action.CANCEL_QUERY;
            case IDLE_IN_TRANSACTION -> Action.END_IDLE_TRANSACTION;
            case IDLE -> Action.END_IDLE_SESSION;
            case EXEMPT -> Action.NONE;
        };
    }

    /**
     * How long until the next check, in nanoseconds, or {@link #NEVER}: the current phase's
     * remaining time, or a whole timeout for each phase the session is not in (see the class comment).
     */
    long nextCheck(Phase phase, long sinceNanos, long nowNanos) {
        long next = NEVER;
        for (Phase p : PHASES_WITH_LIMITS) {
            long limit = limitOf(p);
            if (limit > 0) {
                long delay = p == phase ? sinceNanos + limit - nowNanos : limit;
                next = Math.min(next, Math.max(delay, MIN_DELAY_NANOS));
            }
        }
        return next;
    }

    private static final Phase[] PHASES_WITH_LIMITS = {Phase.BUSY, Phase.IDLE_IN_TRANSACTION, Phase.IDLE};
}
