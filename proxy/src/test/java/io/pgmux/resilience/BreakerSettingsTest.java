package io.pgmux.resilience;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BreakerSettingsTest {
    private static final BreakerSettings D = BreakerSettings.defaults();

    @Test
    void defaults() {
        assertEquals(new BreakerSettings(5, 0.5, WindowSize.calls(20), 10, Duration.ZERO, Duration.ofSeconds(10), 3,
                Duration.ofMinutes(2)), D);
        assertFalse(D.tracksSlowCalls());
        assertTrue(with(Duration.ofMillis(500)).tracksSlowCalls());
    }

    private static BreakerSettings with(Duration slow) {
        return new BreakerSettings(D.failureThreshold(), D.failureRate(), D.window(), D.minimumCalls(), slow,
                D.openTimeout(), D.halfOpenProbes(), D.maxOpenTimeout());
    }

    private static void refused(int threshold, double rate, WindowSize window, int minimum, Duration slow,
                                Duration open, int probes, Duration maxOpen) {
        assertThrows(IllegalArgumentException.class,
                () -> new BreakerSettings(threshold, rate, window, minimum, slow, open, probes, maxOpen));
    }

    @Test
    void invalidValuesAreRefused() {
        WindowSize w = D.window();
        Duration s = Duration.ofSeconds(10);
        Duration m = Duration.ofMinutes(2);
        refused(0, 0.5, w, 10, Duration.ZERO, s, 3, m);
        refused(5, -0.1, w, 10, Duration.ZERO, s, 3, m);
        refused(5, 1.01, w, 10, Duration.ZERO, s, 3, m);
        refused(5, Double.NaN, w, 10, Duration.ZERO, s, 3, m);
        refused(5, 0.5, w, 0, Duration.ZERO, s, 3, m);
        refused(5, 0.5, WindowSize.calls(5), 10, Duration.ZERO, s, 3, m); // the window never holds 10
        refused(5, 0.5, w, 10, Duration.ofMillis(-1), s, 3, m);
        refused(5, 0.5, w, 10, Duration.ZERO, Duration.ZERO, 3, m);
        refused(5, 0.5, w, 10, Duration.ZERO, s, 0, m);
        refused(5, 0.5, w, 10, Duration.ZERO, s, 3, Duration.ofSeconds(9)); // cap below the first timeout
        assertThrows(NullPointerException.class,
                () -> new BreakerSettings(5, 0.5, null, 10, Duration.ZERO, s, 3, m));
    }

    @Test
    void edgesThatAreAllowed() {
        assertDoesNotThrow(() -> new BreakerSettings(1, 1.0, WindowSize.calls(10), 10, Duration.ZERO, Duration.ofMillis(1),
                1, Duration.ofMillis(1)));
        // a time window holds any number of calls, so any minimum is possible
        assertDoesNotThrow(() -> new BreakerSettings(5, 0.5, WindowSize.span(Duration.ofSeconds(30)), 1000,
                Duration.ZERO, Duration.ofSeconds(10), 3, Duration.ofMinutes(2)));
    }
}
