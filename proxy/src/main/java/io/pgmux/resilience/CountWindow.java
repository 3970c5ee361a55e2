package io.pgmux.resilience;

/** The last N calls: a ring of outcomes, with running totals adjusted as the oldest drops out. */
final class CountWindow implements SlidingWindow {
    private final Outcome[] ring;
    /** Where the next outcome goes. */
    private int next;
    private int calls;
    private int failures;
    private int slowCalls;

    CountWindow(int size) {
        this.ring = new Outcome[size];
    }

    @Override
    public void record(Outcome outcome) {
        Outcome evicted = ring[next];
        if (evicted != null) {
            add(evicted, -1);
        }
        ring[next] = outcome;
        add(outcome, 1);
        next = (next + 1) % ring.length;
    }

    private void add(Outcome outcome, int delta) {
        calls += delta;
        switch (outcome) {
            case FAILURE -> failures += delta;
            case SLOW_SUCCESS -> slowCalls += delta;
            case SUCCESS -> { }
        }
    }

    @Override
    public WindowTotals totals() {
        return new WindowTotals(calls, failures, slowCalls);
    }

    @Override
    public void clear() {
        java.util.Arrays.fill(ring, null);
        next = 0;
        calls = 0;
        failures = 0;
        slowCalls = 0;
    }
}
