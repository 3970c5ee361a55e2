package io.pgmux.pool;

import io.netty.util.concurrent.FastThreadLocal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A counter written on the hot path by every event loop and read rarely (admin console, metrics).
 * Each writing thread owns one cache-line-sized cell it updates with plain stores, so an increment
 * costs no atomic instruction (a LongAdder's uncontended CAS is still a locked instruction, several
 * per transaction). Threads beyond the cells share an atomic fallback.
 */
public final class StripedCounter {
    private static final int STRIDE = 8; // 8 longs = 64 bytes: cells never share a cache line
    private static final int CELLS = 32;
    private static final AtomicInteger NEXT_CELL = new AtomicInteger();
    private static final FastThreadLocal<Integer> CELL = new FastThreadLocal<>() {
        @Override
        protected Integer initialValue() {
            int c = NEXT_CELL.getAndIncrement();
            return c < CELLS ? c * STRIDE : -1;
        }
    };
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] cells = new long[CELLS * STRIDE];
    private final AtomicLong shared = new AtomicLong();

    public void increment() {
        add(1);
    }

    public void add(long n) {
        int at = CELL.get();
        if (at < 0) {
            shared.addAndGet(n);
            return;
        }
        // single writer per cell: opaque load and store are enough for readers to see the value
        LONGS.setOpaque(cells, at, (long) LONGS.getOpaque(cells, at) + n);
    }

    public long sum() {
        long total = shared.get();
        for (int at = 0; at < cells.length; at += STRIDE) {
            total += (long) LONGS.getOpaque(cells, at);
        }
        return total;
    }

    public double doubleValue() {
        return sum();
    }

    @Override
    public String toString() {
        return Long.toString(sum());
    }
}
