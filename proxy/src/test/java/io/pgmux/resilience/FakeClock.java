package io.pgmux.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests step by hand: monotonic and wall time move together. */
final class FakeClock {
    static final long EPOCH_MILLIS = 1_800_000_000_000L;
    // an arbitrary, negative start: nanoTime has no origin, and the code must not assume one
    private final AtomicLong nanos = new AtomicLong(-5_000_000_000L);
    private final long startNanos = nanos.get();

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    long nanoTime() {
        return nanos.get();
    }

    long wallMillis() {
        return EPOCH_MILLIS + (nanos.get() - startNanos) / 1_000_000L;
    }

    BreakerClock clock() {
        return new BreakerClock(this::nanoTime, this::wallMillis);
    }
}
