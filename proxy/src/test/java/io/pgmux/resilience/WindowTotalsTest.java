package io.pgmux.resilience;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowTotalsTest {

    @Test
    void failureRate() {
        assertEquals(0.0, WindowTotals.EMPTY.failureRate());
        assertEquals(0.25, new WindowTotals(8, 2, 0).failureRate());
        assertEquals(1.0, new WindowTotals(3, 3, 0).failureRate());
    }

    @Test
    void belowHundredSuccessesP99IsTheSlowest() {
        assertFalse(WindowTotals.EMPTY.p99Slow());
        assertFalse(new WindowTotals(20, 0, 0).p99Slow());
        assertTrue(new WindowTotals(20, 0, 1).p99Slow(), "rank ceil(19.8) = 20: the slowest");
        assertTrue(new WindowTotals(99, 0, 1).p99Slow(), "rank ceil(98.01) = 99: the slowest");
    }

    @Test
    void fromHundredSuccessesItTakesMoreThanOnePercentSlow() {
        assertFalse(new WindowTotals(100, 0, 1).p99Slow(), "rank 99 of 100 is fast when only 1 is slow");
        assertTrue(new WindowTotals(100, 0, 2).p99Slow());
        assertFalse(new WindowTotals(201, 0, 2).p99Slow(), "rank ceil(198.99) = 199 of 201: 199 fast");
        assertTrue(new WindowTotals(201, 0, 3).p99Slow());
        assertFalse(new WindowTotals(1000, 0, 10).p99Slow(), "rank 990 of 1000: 990 fast");
        assertTrue(new WindowTotals(1000, 0, 11).p99Slow());
    }

    @Test
    void p99IsOverTheSuccessesOnly() {
        assertFalse(new WindowTotals(5, 5, 0).p99Slow(), "no successes, no latencies");
        // 200 successes: rank 198; 3 slow leave 197 fast
        assertTrue(new WindowTotals(1000, 800, 3).p99Slow());
        assertFalse(new WindowTotals(1000, 800, 2).p99Slow());
    }

    @Test
    void p99MatchesSortingRealLatencies() {
        // the counting shortcut against the definition, for every size and slow count up to 300
        for (int n = 1; n <= 300; n++) {
            for (int slow = 0; slow <= n; slow++) {
                long[] latencies = new long[n];
                for (int i = 0; i < n; i++) {
                    latencies[i] = i < n - slow ? 10 : 1000; // sorted: fast ones first
                }
                int rank = (int) Math.ceil(n * 99 / 100.0);
                boolean expected = latencies[rank - 1] > 500;
                assertEquals(expected, new WindowTotals(n, 0, slow).p99Slow(), n + " calls, " + slow + " slow");
            }
        }
    }
}
