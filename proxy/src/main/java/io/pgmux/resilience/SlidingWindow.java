package io.pgmux.resilience;

import java.util.function.LongSupplier;

/**
 * The recent outcomes of calls to one server, totalled as they come so that reading the totals is
 * O(1). Not thread-safe: its {@link CircuitBreaker} guards it.
 */
public sealed interface SlidingWindow permits CountWindow, TimeWindow {

    /** Adds one call's outcome (pushing out the oldest, or what has aged out of the span). */
    void record(Outcome outcome);

    /** The calls the window holds now. */
    WindowTotals totals();

    /** Forgets every call. */
    void clear();

    /** @param nanoTime the clock a time window ages its buckets by (unused by a count window) */
    static SlidingWindow of(WindowSize size, LongSupplier nanoTime) {
        if (size instanceof WindowSize.Calls calls) {
            return new CountWindow(calls.count());
        }
        return new TimeWindow(((WindowSize.Span) size).seconds(), nanoTime);
    }
}
