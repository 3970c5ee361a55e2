package io.pgmux.resilience;

import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stops sending work to a server that keeps failing, so clients fail fast instead of queueing
 * behind connects that time out, and lets a few probes through now and then to see whether it is
 * back.
 *
 * <pre>
 *   CLOSED --(opening rule)--> OPEN --(open timeout elapsed)--> HALF_OPEN
 *   HALF_OPEN --(every probe succeeded)--> CLOSED
 *   HALF_OPEN --(a probe failed or was slow)--> OPEN, with a longer timeout
 *   any --(reset)--> CLOSED
 * </pre>
 *
 * Opening rules, checked after each call reported while closed: {@code failureThreshold}
 * consecutive failures; or, once the window holds {@code minimumCalls}, a failure rate of at least
 * {@code failureRate}, or a 99th percentile latency above {@code slowCallThreshold}. Each open
 * waits {@code openTimeout * 2^n} (n = probes failed in a row since it last closed), capped at
 * {@code maxOpenTimeout}, jittered by ±20% (never above the cap) so that many breakers that opened
 * together do not probe together.
 *
 * <p>Every permission asked for must be answered by exactly one of {@link #onSuccess},
 * {@link #onFailure} or {@link #onIgnored}: a half-open breaker counts its probes by them. Results
 * reported while open (calls let through before it opened) only count in the totals.
 *
 * <p>Thread-safe: event loops report from their own threads. One lock guards everything, taken
 * per connect or per transaction, never per message; a closed breaker grants permission without it.
 */
public final class CircuitBreaker {
    private static final Logger LOG = Logger.getLogger(CircuitBreaker.class.getName());

    /** See the class comment for the transitions. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final String name;
    private final BreakerSettings settings;
    private final BreakerListener listener;
    private final BreakerClock clock;
    private final Random random;
    private final SlidingWindow window;
    private final long slowNanos;
    private final long openNanos;
    private final long maxOpenNanos;

    /** Written under the lock; volatile so a closed breaker can grant permission without it. */
    private volatile State state = State.CLOSED;
    // the rest: guarded by this
    private int consecutiveFailures;
    /** Probes failed in a row since the breaker last closed: the backoff exponent. */
    private int reopens;
    private long retryAtNanos;
    /** The wait of the current (or last) open, jitter included. */
    private long openDelayNanos;
    private long openedAtMillis;
    private long retryAtMillis;
    private int probesInFlight;
    private int probesSucceeded;
    private long lastProbeAtNanos;
    private String lastFailure = "";
    private long successes;
    private long failures;
    private long ignored;
    private long rejected;
    private long opens;

    /** @param random draws the jitter of the open timeout */
    public CircuitBreaker(String name, BreakerSettings settings, BreakerListener listener, BreakerClock clock,
                          Random random) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.window = SlidingWindow.of(settings.window(), clock.nanoTime());
        this.slowNanos = settings.slowCallThreshold().toNanos();
        this.openNanos = settings.openTimeout().toNanos();
        this.maxOpenNanos = settings.maxOpenTimeout().toNanos();
    }

    /** On the system clocks. */
    public CircuitBreaker(String name, BreakerSettings settings, BreakerListener listener) {
        this(name, settings, listener, BreakerClock.system(), new Random());
    }

    /**
     * May a call go to the server now? Closed: yes. Open: no, until the open timeout has elapsed,
     * which turns it half-open. Half-open: yes for up to {@code halfOpenProbes} probes at a time.
     */
    public boolean tryAcquirePermission() {
        if (state == State.CLOSED) {
            // unlocked read: a call let through just as another thread opens it is only reported late
            return true;
        }
        synchronized (this) {
            long now = clock.nanoTime().getAsLong();
            if (state == State.OPEN && now - retryAtNanos >= 0) {
                transition(State.HALF_OPEN, "open timeout of " + millis(openDelayNanos) + " ms elapsed");
            }
            return switch (state) {
                case CLOSED -> true;
                case OPEN -> reject();
                case HALF_OPEN -> tryProbe(now);
            };
        }
    }

    private boolean tryProbe(long now) {
        if (probesInFlight > 0 && probesInFlight + probesSucceeded >= settings.halfOpenProbes()
                && now - lastProbeAtNanos >= openNanos) {
            // no probe has reported for an open timeout: take them as lost (a caller that never
            // answered) rather than stay half-open, refusing everyone, forever
            probesInFlight = 0;
        }
        if (probesInFlight + probesSucceeded < settings.halfOpenProbes()) {
            probesInFlight++;
            lastProbeAtNanos = now;
            return true;
        }
        return reject();
    }

    private boolean reject() {
        rejected++;
        return false;
    }

    /** A call succeeded; {@code latencyNanos} is the server's response time, for the latency rule. */
    public synchronized void onSuccess(long latencyNanos) {
        successes++;
        boolean slow = settings.tracksSlowCalls() && latencyNanos > slowNanos;
        switch (state) {
            case CLOSED -> {
                consecutiveFailures = 0;
                window.record(slow ? Outcome.SLOW_SUCCESS : Outcome.SUCCESS);
                openIfRuleMet();
            }
            case HALF_OPEN -> {
                probeDone();
                if (slow) {
                    // closing now would only reopen on the latency rule once the window fills
                    lastFailure = "slow probe: " + millis(latencyNanos) + " ms, over "
                            + settings.slowCallThreshold().toMillis() + " ms";
                    transition(State.OPEN, lastFailure);
                } else if (++probesSucceeded >= settings.halfOpenProbes()) {
                    transition(State.CLOSED, probesSucceeded + " probes succeeded");
                }
            }
            case OPEN -> { }
        }
    }

    /** A call failed in a way that is the server's doing; {@code why} is kept for SHOW BREAKERS. */
    public synchronized void onFailure(FailureKind kind, String why) {
        failures++;
        lastFailure = kind.label() + ": " + why;
        switch (state) {
            case CLOSED -> {
                consecutiveFailures++;
                window.record(Outcome.FAILURE);
                openIfRuleMet();
            }
            case HALF_OPEN -> {
                probeDone();
                transition(State.OPEN, "probe failed, " + lastFailure);
            }
            case OPEN -> { }
        }
    }

    /**
     * A call that says nothing about the server (the client's own SQL error, the client went away):
     * gives back a half-open probe without counting it.
     */
    public synchronized void onIgnored() {
        ignored++;
        if (state == State.HALF_OPEN) {
            probeDone();
        }
    }

    private void probeDone() {
        // never below zero: a call let through while closed may report after the breaker opened
        probesInFlight = Math.max(0, probesInFlight - 1);
    }

    /** Closes the breaker whatever its state (an operator's RECONNECT, say); a no-op when closed. */
    public synchronized void reset(String why) {
        if (state != State.CLOSED) {
            transition(State.CLOSED, why);
        }
    }

    private void openIfRuleMet() {
        WindowTotals t = window.totals();
        String reason = failureRuleMet(t);
        if (reason == null) {
            reason = latencyRuleMet(t);
            if (reason != null) {
                lastFailure = reason; // say why it opened rather than show an older, unrelated failure
            }
        }
        if (reason != null) {
            transition(State.OPEN, reason);
        }
    }

    /** Why failures should open a closed breaker now, or null. */
    private String failureRuleMet(WindowTotals t) {
        if (consecutiveFailures >= settings.failureThreshold()) {
            return consecutiveFailures + " consecutive failures, last: " + lastFailure;
        }
        if (settings.failureRate() > 0 && t.calls() >= settings.minimumCalls() && t.failureRate() >= settings.failureRate()) {
            return String.format(Locale.ROOT, "%d of %d calls in the window failed (%.0f%%, limit %.0f%%), last: %s",
                    t.failures(), t.calls(), 100 * t.failureRate(), 100 * settings.failureRate(), lastFailure);
        }
        return null;
    }

    /** Why latency should open a closed breaker now, or null. */
    private String latencyRuleMet(WindowTotals t) {
        if (settings.tracksSlowCalls() && t.calls() >= settings.minimumCalls() && t.p99Slow()) {
            return "p99 latency over " + settings.slowCallThreshold().toMillis() + " ms (" + t.slowCalls() + " of "
                    + (t.calls() - t.failures()) + " successful calls in the window slower)";
        }
        return null;
    }

    /** Every state change happens here: the new state's entry actions, then the listener. */
    private void transition(State to, String reason) {
        State from = state;
        long now = clock.nanoTime().getAsLong();
        switch (to) {
            case OPEN -> {
                reopens = from == State.HALF_OPEN ? reopens + 1 : 0;
                openDelayNanos = backoffNanos(reopens);
                opens++;
                retryAtNanos = now + openDelayNanos;
                openedAtMillis = clock.wallMillis().getAsLong();
                retryAtMillis = openedAtMillis + millis(openDelayNanos);
            }
            case HALF_OPEN -> {
                probesInFlight = 0;
                probesSucceeded = 0;
            }
            case CLOSED -> {
                // a fresh start: the failures that opened it must not reopen it on the next call
                window.clear();
                consecutiveFailures = 0;
                reopens = 0;
                openedAtMillis = 0;
                retryAtMillis = 0;
            }
        }
        state = to;
        try {
            listener.onTransition(this, from, to, reason);
        } catch (RuntimeException e) {
            // a faulty log or metrics hook must not leave the caller's event loop with an exception
            LOG.log(Level.WARNING, "breaker listener failed on " + name + " " + from + " -> " + to, e);
        }
    }

    /** openTimeout * 2^n, capped, jittered by ±20% without passing the cap. */
    private long backoffNanos(int n) {
        double base = Math.min(openNanos * Math.pow(2, Math.min(n, 62)), maxOpenNanos);
        double jittered = base * (0.8 + 0.4 * random.nextDouble());
        return (long) Math.min(jittered, maxOpenNanos);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000L;
    }

    public String name() {
        return name;
    }

    public BreakerSettings settings() {
        return settings;
    }

    public State state() {
        return state;
    }

    /** Wall-clock time from which it lets a probe through; 0 unless open. */
    public synchronized long retryAtMillis() {
        return state == State.OPEN ? retryAtMillis : 0;
    }

    /** The last failure in words; empty before the first. */
    public synchronized String lastFailure() {
        return lastFailure;
    }

    /** Everything at once, consistent: the counters, for SHOW BREAKERS and metrics. */
    public synchronized BreakerSnapshot snapshot() {
        return new BreakerSnapshot(name, state, consecutiveFailures, failures, successes, ignored, rejected, opens,
                lastFailure, openedAtMillis, retryAtMillis());
    }

    @Override
    public String toString() {
        return name + " (" + state + ")";
    }
}
