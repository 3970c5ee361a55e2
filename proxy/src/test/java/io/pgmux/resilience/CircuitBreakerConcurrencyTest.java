package io.pgmux.resilience;

import io.pgmux.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several event loops reporting at once: every call is counted once, and the states form one chain. */
class CircuitBreakerConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS = 10_000;

    /** What one thread did, by its own count. */
    private record Tally(long successes, long failures, long ignored, long rejected) {
    }

    @Test
    void countsStayExactUnderContention() throws Exception {
        FakeClock time = new FakeClock();
        List<State[]> seen = new ArrayList<>(); // written under the breaker's lock, read after the threads end
        BreakerSettings settings = new BreakerSettings(5, 0.5, WindowSize.calls(20), 10, Duration.ZERO,
                Duration.ofMillis(500), 3, Duration.ofSeconds(2));
        CircuitBreaker breaker = new CircuitBreaker("hammered", settings,
                (b, from, to, why) -> seen.add(new State[] {from, to}), time.clock(), new java.util.Random(7));

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Tally>> tallies = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            tallies.add(pool.submit(() -> hammer(breaker, time, start)));
        }
        start.countDown();
        long successes = 0;
        long failures = 0;
        long ignored = 0;
        long rejected = 0;
        for (Future<Tally> f : tallies) {
            Tally t = f.get(60, TimeUnit.SECONDS);
            successes += t.successes();
            failures += t.failures();
            ignored += t.ignored();
            rejected += t.rejected();
        }
        pool.shutdown();

        assertEquals((long) THREADS * CALLS, successes + failures + ignored + rejected);
        BreakerSnapshot counted = breaker.snapshot();
        assertEquals(successes, counted.successes());
        assertEquals(failures, counted.failures());
        assertEquals(ignored, counted.ignored());
        assertEquals(rejected, counted.rejected());

        State expectedFrom = State.CLOSED;
        long opens = 0;
        for (State[] change : seen) {
            assertEquals(expectedFrom, change[0], "each transition starts where the last one ended");
            expectedFrom = change[1];
            opens += change[1] == State.OPEN ? 1 : 0;
        }
        assertEquals(expectedFrom, breaker.state());
        assertEquals(opens, counted.opens());
        assertTrue(opens > 1, "the bursts of failures opened it, and it came back: " + opens);
        assertTrue(seen.stream().anyMatch(c -> c[1] == State.CLOSED), "probes closed it again at least once");

        // every permission was answered, so no probe is stuck out: after the longest wait it lets one through
        time.advance(Duration.ofSeconds(3));
        assertTrue(breaker.tryAcquirePermission());
    }

    /** Bursts of 50 failures among successes and ignored calls; the clock moves a little each call. */
    private static Tally hammer(CircuitBreaker breaker, FakeClock time, CountDownLatch start) throws InterruptedException {
        start.await();
        long successes = 0;
        long failures = 0;
        long ignored = 0;
        long rejected = 0;
        for (int i = 0; i < CALLS; i++) {
            time.advance(Duration.ofMillis(1));
            if (!breaker.tryAcquirePermission()) {
                rejected++;
            } else if ((i / 50) % 4 == 0) {
                breaker.onFailure(FailureKind.CONNECTION_LOST, "reset by peer");
                failures++;
            } else if (i % 7 == 0) {
                breaker.onIgnored();
                ignored++;
            } else {
                breaker.onSuccess(1_000);
                successes++;
            }
        }
        return new Tally(successes, failures, ignored, rejected);
    }
}
