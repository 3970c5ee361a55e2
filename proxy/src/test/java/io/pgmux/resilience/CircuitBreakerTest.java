package io.pgmux.resilience;

import io.pgmux.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.pgmux.resilience.CircuitBreaker.State.CLOSED;
import static io.pgmux.resilience.CircuitBreaker.State.HALF_OPEN;
import static io.pgmux.resilience.CircuitBreaker.State.OPEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {
    private static final long MS = 1_000_000L;

    private final FakeClock time = new FakeClock();
    private final FixedRandom random = new FixedRandom(0.5); // no jitter
    private final List<String> transitions = new ArrayList<>();
    private final List<String> reasons = new ArrayList<>();

    private CircuitBreaker breaker(BreakerSettings settings) {
        return breaker(settings, random);
    }

    private CircuitBreaker breaker(BreakerSettings settings, Random jitter) {
        return new CircuitBreaker("app/primary", settings, (b, from, to, reason) -> {
            transitions.add(from + "->" + to);
            reasons.add(reason);
        }, time.clock(), jitter);
    }

    /** Defaults but for the rules under test; a threshold of 1000 keeps the consecutive rule out of the way. */
    private static BreakerSettings rules(int threshold, double rate, WindowSize window, int minimum, long slowMillis) {
        BreakerSettings d = BreakerSettings.defaults();
        return new BreakerSettings(threshold, rate, window, minimum, Duration.ofMillis(slowMillis), d.openTimeout(),
                d.halfOpenProbes(), d.maxOpenTimeout());
    }

    private static void fail(CircuitBreaker b, int times) {
        for (int i = 0; i < times; i++) {
            b.onFailure(FailureKind.CONNECT, "Connection refused");
        }
    }

    private static void succeed(CircuitBreaker b, int times) {
        for (int i = 0; i < times; i++) {
            b.onSuccess(MS);
        }
    }

    /** Opens a default breaker by consecutive failures. */
    private CircuitBreaker opened() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        fail(b, 5);
        assertEquals(OPEN, b.state());
        return b;
    }

    private long openMillis(CircuitBreaker b) {
        return b.retryAtMillis() - b.snapshot().openedAtMillis();
    }

    /** Waits out the open timeout (whose jitter may leave a part of a millisecond) and takes one probe. */
    private void probe(CircuitBreaker b) {
        time.advance(Duration.ofMillis(openMillis(b) + 1));
        assertTrue(b.tryAcquirePermission());
        assertEquals(HALF_OPEN, b.state());
    }

    // opening rules

    @Test
    void consecutiveFailuresOpen() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        fail(b, 4);
        assertEquals(CLOSED, b.state());
        assertTrue(b.tryAcquirePermission());
        b.onFailure(FailureKind.TIMEOUT, "timeout expired after 5000 ms");
        assertEquals(OPEN, b.state());
        assertEquals(List.of("CLOSED->OPEN"), transitions);
        assertEquals("5 consecutive failures, last: timed out: timeout expired after 5000 ms", reasons.get(0));
        assertEquals("timed out: timeout expired after 5000 ms", b.lastFailure());
        assertFalse(b.tryAcquirePermission());
        assertEquals(1, b.snapshot().rejected());
        assertEquals(1, b.snapshot().opens());
    }

    @Test
    void aSuccessBreaksTheRun() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        fail(b, 4);
        succeed(b, 1);
        fail(b, 4);
        assertEquals(CLOSED, b.state(), "8 failures of 9 calls, but never 5 in a row and below 10 calls");
        assertEquals(0, b.snapshot().opens());
    }

    @Test
    void failureRateOpensOnceTheWindowHoldsTheMinimum() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(20), 10, 0));
        for (int i = 0; i < 9; i++) {
            if (i % 2 == 0) {
                fail(b, 1);
            } else {
                succeed(b, 1);
            }
        }
        assertEquals(CLOSED, b.state(), "5 of 9 failed, but 9 calls are below the minimum");
        succeed(b, 1); // a success can be what opens it: the window now holds enough calls
        assertEquals(OPEN, b.state());
        assertEquals("5 of 10 calls in the window failed (50%, limit 50%), last: connect failed: Connection refused",
                reasons.get(0));
    }

    @Test
    void failureRateBelowTheLimitStaysClosed() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(20), 10, 0));
        for (int i = 0; i < 10_000; i++) {
            if (i % 5 >= 3) {
                fail(b, 1); // 40%, and never 50% of a prefix: successes come first
            } else {
                succeed(b, 1);
            }
        }
        assertEquals(CLOSED, b.state());
    }

    @Test
    void failuresThatLeftTheWindowNoLongerCount() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(10), 10, 0));
        fail(b, 4);
        succeed(b, 100);
        fail(b, 4);
        succeed(b, 1);
        assertEquals(CLOSED, b.state(), "4 of the last 10 failed");
        fail(b, 1);
        assertEquals(OPEN, b.state(), "5 of the last 10");
    }

    @Test
    void timeWindowForgetsFailuresAsTheyAge() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.span(Duration.ofSeconds(10)), 4, 0));
        fail(b, 3);
        time.advance(Duration.ofSeconds(11));
        succeed(b, 2);
        fail(b, 1);
        assertEquals(CLOSED, b.state(), "the window holds 3 calls: below the minimum");
        succeed(b, 1);
        assertEquals(CLOSED, b.state(), "1 of 4 failed; with the 3 aged failures it would be 4 of 7");
        fail(b, 1);
        assertEquals(CLOSED, b.state(), "2 of 5");
        fail(b, 1);
        assertEquals(OPEN, b.state(), "3 of 6");
    }

    @Test
    void slowP99Opens() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(20), 10, 100));
        b.onSuccess(101 * MS);
        succeed(b, 8);
        assertEquals(CLOSED, b.state(), "9 calls: below the minimum");
        succeed(b, 1);
        assertEquals(OPEN, b.state(), "p99 of 10 calls is the slowest");
        String why = "p99 latency over 100 ms (1 of 10 successful calls in the window slower)";
        assertEquals(List.of(why), reasons);
        assertEquals(why, b.lastFailure(), "SHOW BREAKERS says why it opened");
    }

    @Test
    void theThresholdItselfIsNotSlow() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(20), 10, 100));
        for (int i = 0; i < 100; i++) {
            b.onSuccess(100 * MS);
        }
        assertEquals(CLOSED, b.state());
    }

    @Test
    void latencyRuleIsOffByDefault() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        for (int i = 0; i < 100; i++) {
            b.onSuccess(Duration.ofHours(1).toNanos());
        }
        assertEquals(CLOSED, b.state());
    }

    @Test
    void ignoredCallsNeitherCountNorBreakTheRun() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        fail(b, 4);
        for (int i = 0; i < 50; i++) {
            b.onIgnored();
        }
        assertEquals(CLOSED, b.state());
        fail(b, 1);
        assertEquals(OPEN, b.state(), "5 failures in a row, the ignored calls between them say nothing");
        assertEquals(50, b.snapshot().ignored());
        assertEquals(5, b.snapshot().failures());
        assertEquals(0, b.snapshot().successes());
    }

    @Test
    void ignoredCallsDoNotFillTheWindow() {
        CircuitBreaker b = breaker(rules(1000, 0.5, WindowSize.calls(20), 10, 0));
        fail(b, 9);
        for (int i = 0; i < 100; i++) {
            b.onIgnored();
        }
        assertEquals(CLOSED, b.state(), "still 9 calls");
    }

    // open and half-open

    @Test
    void staysOpenForTheOpenTimeoutThenLetsProbesThrough() {
        CircuitBreaker b = opened();
        assertEquals(FakeClock.EPOCH_MILLIS, b.snapshot().openedAtMillis());
        assertEquals(FakeClock.EPOCH_MILLIS + 10_000, b.retryAtMillis());
        time.advance(Duration.ofMillis(9_999));
        assertFalse(b.tryAcquirePermission());
        assertEquals(OPEN, b.state());
        time.advance(Duration.ofMillis(1));
        assertTrue(b.tryAcquirePermission());
        assertEquals(HALF_OPEN, b.state());
        assertEquals(0, b.retryAtMillis(), "only open breakers have a retry time");
        assertEquals("open timeout of 10000 ms elapsed", reasons.get(1));
    }

    @Test
    void halfOpenLetsOnlyTheProbesThrough() {
        CircuitBreaker b = opened();
        probe(b);
        assertTrue(b.tryAcquirePermission());
        assertTrue(b.tryAcquirePermission());
        assertFalse(b.tryAcquirePermission(), "3 probes out");
        long rejected = b.snapshot().rejected();
        b.onIgnored(); // a probe that said nothing gives its place back
        assertTrue(b.tryAcquirePermission());
        assertFalse(b.tryAcquirePermission());
        assertEquals(rejected + 1, b.snapshot().rejected());
        succeed(b, 1); // a success keeps its place: 1 succeeded + 2 out
        assertFalse(b.tryAcquirePermission());
        assertEquals(HALF_OPEN, b.state());
    }

    @Test
    void everyProbeSucceedingCloses() {
        CircuitBreaker b = opened();
        probe(b);
        assertTrue(b.tryAcquirePermission());
        succeed(b, 2);
        assertEquals(HALF_OPEN, b.state());
        assertTrue(b.tryAcquirePermission());
        succeed(b, 1);
        assertEquals(CLOSED, b.state());
        assertEquals("3 probes succeeded", reasons.get(2));
        assertEquals(0, b.snapshot().openedAtMillis());
        assertEquals(0, b.retryAtMillis());
        fail(b, 4);
        assertEquals(CLOSED, b.state(), "closing starts afresh: the failures before it are forgotten");
    }

    @Test
    void aFailedProbeReopensWithADoubledTimeout() {
        CircuitBreaker b = opened();
        probe(b);
        b.onFailure(FailureKind.LOGIN, "password authentication failed for user \"app\"");
        assertEquals(OPEN, b.state());
        assertEquals("probe failed, login rejected: password authentication failed for user \"app\"", reasons.get(2));
        assertEquals(20_000, openMillis(b));
        assertEquals(2, b.snapshot().opens());
        time.advance(Duration.ofMillis(19_999));
        assertFalse(b.tryAcquirePermission());
        time.advance(Duration.ofMillis(1));
        assertTrue(b.tryAcquirePermission());
    }

    @Test
    void aSlowProbeReopens() {
        CircuitBreaker b = breaker(rules(5, 0.5, WindowSize.calls(20), 10, 100));
        fail(b, 5);
        probe(b);
        b.onSuccess(250 * MS);
        assertEquals(OPEN, b.state());
        assertEquals("slow probe: 250 ms, over 100 ms", reasons.get(2));
        assertEquals(20_000, openMillis(b), "backs off like a failed probe");
    }

    @Test
    void backoffDoublesUpToTheCap() {
        CircuitBreaker b = opened();
        List<Long> waits = new ArrayList<>(List.of(openMillis(b)));
        for (int i = 0; i < 6; i++) {
            probe(b);
            fail(b, 1);
            waits.add(openMillis(b));
        }
        assertEquals(List.of(10_000L, 20_000L, 40_000L, 80_000L, 120_000L, 120_000L, 120_000L), waits);
    }

    @Test
    void closingResetsTheBackoff() {
        CircuitBreaker b = opened();
        probe(b);
        fail(b, 1);
        assertEquals(20_000, openMillis(b));
        probe(b);
        b.tryAcquirePermission();
        b.tryAcquirePermission();
        succeed(b, 3);
        assertEquals(CLOSED, b.state());
        fail(b, 5);
        assertEquals(10_000, openMillis(b));
    }

    @Test
    void jitterStaysWithinTwentyPercentAndUnderTheCap() {
        random.set(0.0);
        CircuitBreaker low = opened();
        assertEquals(8_000, openMillis(low));
        random.set(Math.nextDown(1.0));
        CircuitBreaker high = opened();
        assertEquals(12_000, openMillis(high), 1);
        // at the cap, jitter only goes down: 120 s * 1.2 would pass it
        for (int i = 0; i < 5; i++) {
            probe(high);
            fail(high, 1);
        }
        assertEquals(120_000, openMillis(high));
        random.set(0.0);
        probe(high);
        fail(high, 1);
        assertEquals(96_000, openMillis(high));
    }

    @Test
    void seededJitterAlwaysWithinBounds() {
        CircuitBreaker b = breaker(BreakerSettings.defaults(), new Random(42));
        fail(b, 5);
        long base = 10_000;
        for (int i = 0; i < 200; i++) {
            long wait = openMillis(b);
            assertTrue(wait >= base * 8 / 10 && wait <= Math.min(base * 12 / 10, 120_000), i + ": " + wait);
            probe(b);
            fail(b, 1);
            base = Math.min(base * 2, 120_000);
        }
    }

    @Test
    void probesThatNeverReportAreTakenAsLostAfterAnOpenTimeout() {
        CircuitBreaker b = opened();
        probe(b);
        b.tryAcquirePermission();
        b.tryAcquirePermission();
        time.advance(Duration.ofMillis(9_999));
        assertFalse(b.tryAcquirePermission());
        time.advance(Duration.ofMillis(1));
        assertTrue(b.tryAcquirePermission(), "not half-open and refusing everyone forever");
        b.onSuccess(MS);
        b.onSuccess(MS); // a lost probe reports after all: still evidence, and no count goes negative
        b.onIgnored();
        b.onIgnored();
        assertEquals(HALF_OPEN, b.state());
        assertTrue(b.tryAcquirePermission());
        succeed(b, 1);
        assertEquals(CLOSED, b.state());
    }

    @Test
    void resultsReportedWhileOpenOnlyCount() {
        CircuitBreaker b = opened();
        succeed(b, 3);
        fail(b, 2);
        b.onIgnored();
        assertEquals(OPEN, b.state());
        assertEquals(List.of("CLOSED->OPEN"), transitions);
        assertEquals(3, b.snapshot().successes());
        assertEquals(7, b.snapshot().failures());
        assertEquals(1, b.snapshot().ignored());
    }

    @Test
    void resetCloses() {
        CircuitBreaker b = opened();
        b.reset("RECONNECT app");
        assertEquals(CLOSED, b.state());
        b.reset("again");
        assertEquals(List.of("CLOSED->OPEN", "OPEN->CLOSED"), transitions, "resetting a closed breaker is no change");
        assertEquals("RECONNECT app", reasons.get(1));
        fail(b, 5);
        assertEquals(10_000, openMillis(b));
    }

    // the listener and readings

    @Test
    void theListenerSeesEveryTransitionOnceInOrder() {
        CircuitBreaker b = opened();
        assertFalse(b.tryAcquirePermission());
        probe(b);
        assertTrue(b.tryAcquirePermission());
        fail(b, 1);
        succeed(b, 1); // a late success while open: no transition
        probe(b);
        b.tryAcquirePermission();
        b.tryAcquirePermission();
        succeed(b, 3);
        assertEquals(List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"),
                transitions);
        assertEquals(2, b.snapshot().opens());
    }

    @Test
    void aFailingListenerDoesNotBreakTheBreaker() {
        CircuitBreaker b = new CircuitBreaker("app/primary", BreakerSettings.defaults(), (br, from, to, why) -> {
            throw new IllegalStateException("metrics are down");
        }, time.clock(), random);
        fail(b, 5);
        assertEquals(OPEN, b.state());
        assertFalse(b.tryAcquirePermission());
    }

    @Test
    void snapshotReadsEverythingAtOnce() {
        CircuitBreaker b = breaker(BreakerSettings.defaults());
        succeed(b, 2);
        b.onIgnored();
        fail(b, 3);
        assertEquals(new BreakerSnapshot("app/primary", CLOSED, 3, 3, 2, 1, 0, 0,
                "connect failed: Connection refused", 0, 0), b.snapshot());
        fail(b, 2);
        b.tryAcquirePermission();
        assertEquals(new BreakerSnapshot("app/primary", State.OPEN, 5, 5, 2, 1, 1, 1,
                "connect failed: Connection refused", FakeClock.EPOCH_MILLIS, FakeClock.EPOCH_MILLIS + 10_000),
                b.snapshot());
        assertEquals("app/primary (OPEN)", b.toString());
    }
}
