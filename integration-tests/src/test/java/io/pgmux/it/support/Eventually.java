package io.pgmux.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling with a deadline, for "eventually" conditions (a backend going away, a port closing).
 * Never proof by sleeping: the condition itself is checked, and the deadline turns a hang into a
 * failure that says what was awaited.
 */
public final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeout}. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            pause(20);
        }
    }

    /**
     * Polls {@code probe} until it returns a value matching {@code accept}; returns it. Fails after
     * {@code timeout} with the last value seen.
     */
    public static <T> T await(Duration timeout, String what, Supplier<T> probe, java.util.function.Predicate<T> accept) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last;
        while (!accept.test(last = probe.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what + " (last: " + last + ")");
            }
            pause(20);
        }
        return last;
    }

    /** Sleeps to pace a loop (never as proof of anything). */
    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
