package io.pgmux.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.pgmux.resilience.Outcome.FAILURE;
import static io.pgmux.resilience.Outcome.SLOW_SUCCESS;
import static io.pgmux.resilience.Outcome.SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlidingWindowTest {
    private final FakeClock time = new FakeClock();

    private SlidingWindow calls(int n) {
        return SlidingWindow.of(WindowSize.calls(n), time::nanoTime);
    }

    private SlidingWindow seconds(int n) {
        return SlidingWindow.of(WindowSize.span(Duration.ofSeconds(n)), time::nanoTime);
    }

    private static void record(SlidingWindow w, Outcome outcome, int times) {
        for (int i = 0; i < times; i++) {
            w.record(outcome);
        }
    }

    @Test
    void countWindowTotalsWhatItHolds() {
        SlidingWindow w = calls(5);
        assertEquals(WindowTotals.EMPTY, w.totals());
        w.record(SUCCESS);
        w.record(FAILURE);
        w.record(SLOW_SUCCESS);
        assertEquals(new WindowTotals(3, 1, 1), w.totals());
    }

    @Test
    void countWindowPushesOutTheOldest() {
        SlidingWindow w = calls(3);
        record(w, FAILURE, 2);
        w.record(SLOW_SUCCESS);
        assertEquals(new WindowTotals(3, 2, 1), w.totals());
        w.record(SUCCESS); // pushes out the first failure
        assertEquals(new WindowTotals(3, 1, 1), w.totals());
        record(w, SUCCESS, 2); // the second failure and the slow one
        assertEquals(new WindowTotals(3, 0, 0), w.totals());
    }

    @Test
    void countWindowStaysExactOverManyLaps() {
        SlidingWindow w = calls(7);
        Outcome[] cycle = {SUCCESS, FAILURE, SLOW_SUCCESS, FAILURE, SUCCESS};
        for (int i = 0; i < 1003; i++) {
            w.record(cycle[i % cycle.length]);
        }
        // the last 7 calls are i = 996..1002: cycle positions 1,2,3,4,0,1,2
        assertEquals(new WindowTotals(7, 3, 2), w.totals());
    }

    @Test
    void countWindowIgnoresTime() {
        SlidingWindow w = calls(3);
        w.record(FAILURE);
        time.advance(Duration.ofDays(1));
        assertEquals(new WindowTotals(1, 1, 0), w.totals());
    }

    @Test
    void clearForgetsEverything() {
        for (SlidingWindow w : new SlidingWindow[] {calls(3), seconds(3)}) {
            record(w, FAILURE, 5);
            w.clear();
            assertEquals(WindowTotals.EMPTY, w.totals());
            w.record(SUCCESS);
            assertEquals(new WindowTotals(1, 0, 0), w.totals(), w.getClass().getSimpleName());
        }
    }

    @Test
    void timeWindowKeepsTheLastSeconds() {
        SlidingWindow w = seconds(3);
        record(w, FAILURE, 4);                 // second 0
        time.advance(Duration.ofSeconds(1));
        record(w, SUCCESS, 2);                 // second 1
        time.advance(Duration.ofSeconds(1));
        record(w, SLOW_SUCCESS, 1);            // second 2
        assertEquals(new WindowTotals(7, 4, 1), w.totals());
        time.advance(Duration.ofSeconds(1));   // second 3: second 0 ages out
        assertEquals(new WindowTotals(3, 0, 1), w.totals());
        time.advance(Duration.ofSeconds(1));   // second 4: second 1 too
        assertEquals(new WindowTotals(1, 0, 1), w.totals());
        time.advance(Duration.ofSeconds(1));
        assertEquals(WindowTotals.EMPTY, w.totals());
    }

    @Test
    void timeWindowAgesWholeSecondsOfTheClock() {
        SlidingWindow w = seconds(2);          // the fake clock starts on a second boundary
        w.record(FAILURE);
        time.advance(Duration.ofMillis(999));
        w.record(FAILURE);                     // the same second's bucket
        time.advance(Duration.ofMillis(1));
        assertEquals(new WindowTotals(2, 2, 0), w.totals());
        time.advance(Duration.ofSeconds(1));
        assertEquals(WindowTotals.EMPTY, w.totals(), "the second call, 1.001 s old, leaves with its bucket");
    }

    @Test
    void timeWindowIdleLongerThanItsSpanStartsEmpty() {
        SlidingWindow w = seconds(5);
        record(w, FAILURE, 10);
        time.advance(Duration.ofHours(3));
        assertEquals(WindowTotals.EMPTY, w.totals());
        w.record(SUCCESS);
        time.advance(Duration.ofSeconds(4));
        w.record(FAILURE);
        assertEquals(new WindowTotals(2, 1, 0), w.totals());
    }

    @Test
    void timeWindowRecordsAgeOutWithoutReads() {
        SlidingWindow w = seconds(2);
        record(w, FAILURE, 3);
        time.advance(Duration.ofSeconds(2));
        w.record(SUCCESS); // recording moves the window too
        assertEquals(new WindowTotals(1, 0, 0), w.totals());
    }

    @Test
    void spanRoundsUpToWholeSeconds() {
        assertEquals(2, new WindowSize.Span(Duration.ofMillis(1500)).seconds());
        assertEquals(60, new WindowSize.Span(Duration.ofSeconds(60)).seconds());
        assertEquals("60s", WindowSize.span(Duration.ofMinutes(1)).toString());
        assertEquals("20 calls", WindowSize.calls(20).toString());
    }

    @Test
    void sizesOutOfBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WindowSize.calls(0));
        assertThrows(IllegalArgumentException.class, () -> WindowSize.calls(WindowSize.MAX_CALLS + 1));
        assertThrows(IllegalArgumentException.class, () -> WindowSize.span(Duration.ofMillis(999)));
        assertThrows(IllegalArgumentException.class, () -> WindowSize.span(Duration.ofHours(2)));
        assertThrows(NullPointerException.class, () -> WindowSize.span(null));
    }
}
