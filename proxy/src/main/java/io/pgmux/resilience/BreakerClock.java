package io.pgmux.resilience;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The time a {@link CircuitBreaker} runs on: a monotonic clock for its timeouts and windows, and the
 * wall clock only to tell people when it opened and when it will probe. Injected so tests step
 * time instead of sleeping.
 *
 * @param nanoTime   monotonic nanoseconds, as {@link System#nanoTime()}
 * @param wallMillis milliseconds since the epoch, as {@link System#currentTimeMillis()}
 */
public record BreakerClock(LongSupplier nanoTime, LongSupplier wallMillis) {

    public BreakerClock {
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(wallMillis, "wallMillis");
    }

    public static BreakerClock system() {
        return new BreakerClock(System::nanoTime, System::currentTimeMillis);
    }
}
