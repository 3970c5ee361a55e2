package io.pgmux.resilience;

import java.util.Random;

/** Jitter on demand: 0.5 is none, 0 the most below, just under 1 the most above. */
final class FixedRandom extends Random {
    private volatile double next;

    FixedRandom(double next) {
        this.next = next;
    }

    void set(double value) {
        next = value;
    }

    @Override
    public double nextDouble() {
        return next;
    }
}
