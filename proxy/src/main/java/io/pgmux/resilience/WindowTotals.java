package io.pgmux.resilience;

/**
 * What a {@link SlidingWindow} holds right now.
 *
 * @param calls     calls recorded (successes and failures)
 * @param failures  failed calls
 * @param slowCalls successful calls slower than the slow-call threshold
 */
public record WindowTotals(int calls, int failures, int slowCalls) {

    public static final WindowTotals EMPTY = new WindowTotals(0, 0, 0);

    /** Failed share of the calls; 0 when there are none. */
    public double failureRate() {
        return calls == 0 ? 0 : (double) failures / calls;
    }

    /**
     * The 99th percentile (nearest rank) of the successful calls' latencies is above the slow-call
     * threshold. The value at rank ceil(0.99 n) is above it exactly when fewer than ceil(0.99 n)
     * calls are at or below it, so counting slow calls answers without keeping latencies. Below 100
     * successes, rank ceil(0.99 n) is the largest, so one slow call is enough.
     */
    public boolean p99Slow() {
        int n = calls - failures;
        if (n == 0) {
            return false;
        }
        int rank = (int) ((99L * n + 99) / 100); // ceil(0.99 n) in integers: 0.99 has no exact double
        return n - slowCalls < rank;
    }
}
