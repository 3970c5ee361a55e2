package io.pgmux.frontend;

import io.pgmux.config.LimitsConfig;
import io.pgmux.frontend.TimeoutRules.Action;
import io.pgmux.frontend.TimeoutRules.Phase;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeoutRulesTest {
    private static final long S = 1_000_000_000L;
    /** query 5 s, idle in transaction 20 s, client idle 60 s. */
    private static final TimeoutRules ALL = new TimeoutRules(5 * S, 20 * S, 60 * S);
    /** An arbitrary nanoTime origin, negative like nanoTime may be. */
    private static final long T0 = -123_456_789_000L;

    @Test
    void eachPhaseIsWatchedByItsOwnTimeout() {
        assertEquals(Action.CANCEL_QUERY, ALL.due(Phase.BUSY, T0, T0 + 5 * S));
        assertEquals(Action.END_IDLE_TRANSACTION, ALL.due(Phase.IDLE_IN_TRANSACTION, T0, T0 + 20 * S));
        assertEquals(Action.END_IDLE_SESSION, ALL.due(Phase.IDLE, T0, T0 + 60 * S));
        // just before each limit: nothing
        assertEquals(Action.NONE, ALL.due(Phase.BUSY, T0, T0 + 5 * S - 1));
        assertEquals(Action.NONE, ALL.due(Phase.IDLE_IN_TRANSACTION, T0, T0 + 20 * S - 1));
        assertEquals(Action.NONE, ALL.due(Phase.IDLE, T0, T0 + 60 * S - 1));
    }

    @Test
    void anotherPhasesTimeoutDoesNotApply() {
        // idle 30 s between transactions is past idle_transaction_timeout, which is not its rule
        assertEquals(Action.NONE, ALL.due(Phase.IDLE, T0, T0 + 30 * S));
        // a 10 s query is past query_timeout only
        assertEquals(Action.NONE, ALL.due(Phase.IDLE_IN_TRANSACTION, T0, T0 + 10 * S));
    }

    @Test
    void exemptAndZeroMeanNever() {
        assertEquals(Action.NONE, ALL.due(Phase.EXEMPT, T0, T0 + 1000 * S));
        TimeoutRules off = TimeoutRules.of(LimitsConfig.defaults());
        assertFalse(off.any());
        assertEquals(Action.NONE, off.due(Phase.BUSY, T0, T0 + 1000 * S));
        assertEquals(Action.NONE, off.due(Phase.IDLE, T0, T0 + 1000 * S));
        assertEquals(TimeoutRules.NEVER, off.nextCheck(Phase.IDLE, T0, T0));
    }

    @Test
    void nextCheckIsTheCurrentDeadlineOrTheShortestTimeout() {
        // idle for 55 s of 60: the shortest other timeout (query, 5 s) still comes first
        assertEquals(5 * S, ALL.nextCheck(Phase.IDLE, T0, T0 + 55 * S));
        // idle for 58 s: its own deadline, 2 s away, is sooner
        assertEquals(2 * S, ALL.nextCheck(Phase.IDLE, T0, T0 + 58 * S));
        // a query running 3 s: canceled 2 s from now
        assertEquals(2 * S, ALL.nextCheck(Phase.BUSY, T0, T0 + 3 * S));
        // only client_idle_timeout on, a query running: a whole timeout, since idleness can start any moment
        TimeoutRules idleOnly = new TimeoutRules(0, 0, 60 * S);
        assertEquals(60 * S, idleOnly.nextCheck(Phase.BUSY, T0, T0 + 3 * S));
        assertEquals(60 * S, idleOnly.nextCheck(Phase.EXEMPT, T0, T0 + 3 * S));
    }

    @Test
    void nextCheckNeverSpins() {
        // a deadline already passed (the timer fired late, the action just taken) re-arms at the floor
        assertEquals(TimeoutRules.MIN_DELAY_NANOS, ALL.nextCheck(Phase.BUSY, T0, T0 + 50 * S));
    }

    @Test
    void nextCheckIsNeverLaterThanAnyDeadlineThatCanArise() {
        // property: from any check, a phase entered at any later moment is due no sooner than the next check
        long[] nows = {0, S, 4 * S, 19 * S, 59 * S};
        for (Phase at : Phase.values()) {
            for (long elapsed : nows) {
                long now = T0 + 100 * S;
                long since = now - elapsed;
                long next = ALL.nextCheck(at, since, now);
                for (Phase later : new Phase[]{Phase.BUSY, Phase.IDLE_IN_TRANSACTION, Phase.IDLE}) {
                    long deadline = later == at ? since + ALL.limitOf(later) : now + ALL.limitOf(later);
                    assertTrue(now + next <= Math.max(deadline, now + TimeoutRules.MIN_DELAY_NANOS),
                            at + " for " + elapsed + " ns: next check after " + later + "'s deadline");
                }
            }
        }
    }

    @Test
    void readsTheLimitsBlock() {
        LimitsConfig limits = new LimitsConfig(10, Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(1), 10,
                Duration.ofSeconds(5), Duration.ofMillis(1500), Duration.ZERO);
        TimeoutRules r = TimeoutRules.of(limits);
        assertEquals(new TimeoutRules(5 * S, 1_500_000_000L, 0), r);
        assertTrue(r.any());
        assertEquals(0, r.limitOf(Phase.IDLE));
    }
}
