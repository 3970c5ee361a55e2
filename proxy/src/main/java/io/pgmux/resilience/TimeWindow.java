package io.pgmux.resilience;

import java.util.function.LongSupplier;

/**
 * The calls of the last N seconds: one bucket per second in a ring, with running totals. Moving
 * to a new second empties the buckets that have aged out (at most N of them, however long the
 * window sat idle), so both recording and reading stay O(1) amortized.
 */
final class TimeWindow implements SlidingWindow {
    private static final long SECOND = 1_000_000_000L;

    private final LongSupplier nanoTime;
    private final int[] calls;
    private final int[] failures;
    private final int[] slowCalls;
    /** The second (of the clock) the newest bucket belongs to. */
    private long currentSecond;
    private int totalCalls;
    private int totalFailures;
    private int totalSlowCalls;

    TimeWindow(int seconds, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.calls = new int[seconds];
        this.failures = new int[seconds];
        this.slowCalls = new int[seconds];
        this.currentSecond = second();
    }

    private long second() {
        // floorDiv: nanoTime may be negative, and seconds must still be contiguous
        return Math.floorDiv(nanoTime.getAsLong(), SECOND);
    }

    /** Empties the buckets of the seconds that have left the window since the last call. */
    private void advance() {
        long now = second();
        long steps = Math.min(now - currentSecond, calls.length);
        for (long s = 1; s <= steps; s++) {
            int i = index(currentSecond + s);
            totalCalls -= calls[i];
            totalFailures -= failures[i];
            totalSlowCalls -= slowCalls[i];
            calls[i] = 0;
            failures[i] = 0;
            slowCalls[i] = 0;
        }
        if (now > currentSecond) {
            currentSecond = now;
        }
    }

    private int index(long second) {
        return (int) Math.floorMod(second, (long) calls.length);
    }

    @Override
    public void record(Outcome outcome) {
        advance();
        int i = index(currentSecond);
        calls[i]++;
        totalCalls++;
        switch (outcome) {
            case FAILURE -> {
                failures[i]++;
                totalFailures++;
            }
            case SLOW_SUCCESS -> {
                slowCalls[i]++;
                totalSlowCalls++;
            }
            case SUCCESS -> { }
        }
    }

    @Override
    public WindowTotals totals() {
        advance();
        return new WindowTotals(totalCalls, totalFailures, totalSlowCalls);
    }

    @Override
    public void clear() {
        java.util.Arrays.fill(calls, 0);
        java.util.Arrays.fill(failures, 0);
        java.util.Arrays.fill(slowCalls, 0);
        totalCalls = 0;
        totalFailures = 0;
        totalSlowCalls = 0;
        currentSecond = second();
    }
}
