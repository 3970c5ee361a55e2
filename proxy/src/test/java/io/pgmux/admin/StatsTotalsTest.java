package io.pgmux.admin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatsTotalsTest {

    @Test
    void averagesArePerSecondForCountsAndPerEventForTimes() {
        StatsTotals t0 = new StatsTotals(10, 10, 20, 1000, 5000, 10_000, 8_000, 100, 60, 1, 120);
        StatsTotals t1 = new StatsTotals(70, 70, 140, 61_000, 125_000, 70_000, 32_000, 700, 240, 7, 480);
        StatsTotals avg = t1.averageSince(t0, 60);
        assertEquals(new StatsTotals(1, 1, 2, 1000, 2000, 1000, 200, 10, 3, 0, 6), avg);
    }

    @Test
    void nothingHappenedOrNoSampleYetIsZero() {
        StatsTotals t = new StatsTotals(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
        assertEquals(new StatsTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), t.averageSince(t, 60));
        assertEquals(StatsTotals.ZERO, t.averageSince(null, 60));
        assertEquals(StatsTotals.ZERO, t.averageSince(StatsTotals.ZERO, 0));
    }

    @Test
    void totalsAdd() {
        StatsTotals a = new StatsTotals(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertEquals(new StatsTotals(2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22), a.plus(a));
    }
}
