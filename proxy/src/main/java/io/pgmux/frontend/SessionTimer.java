package io.pgmux.frontend;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.protocol.PgError;

import java.util.concurrent.TimeUnit;

/**
 * Enforces a session's query, idle-in-transaction and client idle timeouts with one timer, re-armed
 * lazily: the hot path only stamps times on the session (a {@code nanoTime} per read and per
 * request), and this timer, when it fires, reads the session's phase and either acts or sleeps
 * until the next moment a timeout could fall due ({@link TimeoutRules#nextCheck}). A busy client
 * thus costs one wake-up per shortest timeout, not one timer per request. The limits are read from
 * the configuration in force at each wake-up; a RELOAD that changes them calls {@link #rearm}.
 *
 * <p>Runs on the session's event loop only.
 */
final class SessionTimer implements Runnable {
    /** SQLSTATEs and wording of PostgreSQL's own idle_in_transaction_session_timeout and idle_session_timeout. */
    static final String IDLE_IN_TRANSACTION_TIMEOUT = "25P03";
    static final String IDLE_SESSION_TIMEOUT = "57P05";

    private final ClientSession session;
    private ScheduledFuture<?> timer;
    /** The busy period (its start stamp) already canceled, and when: a second cancel waits a whole timeout. */
    private long canceledBusySince;
    private long canceledAt;
    private boolean canceled;

    SessionTimer(ClientSession session) {
        this.session = session;
    }

    /** The limits changed (or the session began): check now and arm for the new values. */
    void rearm() {
        stop();
        run();
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void run() {
        timer = null;
        if (session.isClosed()) {
            return;
        }
        TimeoutRules rules = TimeoutRules.of(session.context().config().limits());
        if (!rules.any()) {
            return; // nothing to watch until a RELOAD turns a timeout on (and calls rearm)
        }
        long now = System.nanoTime();
        TimeoutRules.Phase phase = session.timeoutPhase();
        long since = sinceOf(phase);
        switch (rules.due(phase, since, now)) {
            case CANCEL_QUERY -> {
                cancelQuery(now, rules.queryNanos());
                since = now;
            }
            case END_IDLE_TRANSACTION -> {
                session.closeWith(PgError.fatal(IDLE_IN_TRANSACTION_TIMEOUT,
                        "terminating connection due to idle-in-transaction timeout"));
                return;
            }
            case END_IDLE_SESSION -> {
                session.closeWith(PgError.fatal(IDLE_SESSION_TIMEOUT,
                        "terminating connection due to idle-session timeout"));
                return;
            }
            case NONE -> {
            }
        }
        long delay = rules.nextCheck(phase, since, now);
        if (delay != TimeoutRules.NEVER) {
            timer = session.eventLoop().schedule(this, delay, TimeUnit.NANOSECONDS);
        }
    }

    /** The stamp {@code phase} is measured from: a canceled request from its cancel, not its start. */
    private long sinceOf(TimeoutRules.Phase phase) {
        if (phase == TimeoutRules.Phase.BUSY) {
            long busySince = session.busySince();
            return canceled && busySince == canceledBusySince ? canceledAt : busySince;
        }
        return session.quietSince();
    }

    private void cancelQuery(long now, long limitNanos) {
        canceledBusySince = session.busySince();
        canceledAt = now;
        canceled = true;
        session.cancelForTimeout((now - canceledBusySince) / 1_000_000, limitNanos / 1_000_000);
    }
}
