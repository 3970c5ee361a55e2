package io.pgmux.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code breaker:} or {@code breaker_defaults:} block, and the two values only breakers have:
 * a rate written as a percentage or a fraction, and a window written as a count or a duration.
 */
final class BreakerMapper {

    static final String EXPECTED_RATE = "expected a rate like 50% or 0.5";
    static final String BARE_RATE_ABOVE_ONE =
            "a bare number is a fraction like 0.5; write a percentage with %, like 50%";
    static final String EXPECTED_WINDOW = "expected a number of calls like 20 or a duration like 30s";

    private static final Pattern RATE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+) ?(%?)");
    private static final Pattern CALLS = Pattern.compile("[-+]?[0-9][0-9_]*");

    /** A window of the last {@code calls} calls, or of the calls of the last {@code time}; the other is zero. */
    record Window(int calls, Duration time) {
    }

    private BreakerMapper() {
    }

    /** Reads the block key by key over {@code base}, so absent keys keep the base's values. */
    static BreakerConfig breaker(YamlMapping m, BreakerConfig base) {
        Window window = m.value("window", BreakerMapper::parseWindow,
                new Window(base.windowCalls(), base.windowTime()));
        return new BreakerConfig(
                m.bool("enabled", base.enabled()),
                m.integer("failure_threshold", base.failureThreshold()),
                m.value("failure_rate", BreakerMapper::parseRate, base.failureRate()),
                window.calls(), window.time(),
                m.integer("minimum_calls", base.minimumCalls()),
                m.duration("slow_call_threshold", base.slowCallThreshold()),
                m.duration("open_timeout", base.openTimeout()),
                m.duration("max_open_timeout", base.maxOpenTimeout()),
                m.integer("half_open_probes", base.halfOpenProbes()));
    }

    /**
     * {@code 50%} or {@code 0.5}, as a fraction. A bare number above 1 is refused rather than read as a
     * percentage: {@code 50} could be either, and guessing wrong would make the breaker never open.
     * Above 100% is left to the validator, which holds rates built in code to the same range.
     */
    static double parseRate(String text) {
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED_RATE);
        }
        double value = Double.parseDouble(m.group(1));
        if (m.group(2).isEmpty()) {
            if (value > 1) {
                throw new IllegalArgumentException(BARE_RATE_ABOVE_ONE);
            }
            return value;
        }
        return value / 100;
    }

    /**
     * A bare number is a count of calls ({@code 20}); a number with a unit a duration ({@code 30s}). So
     * unlike other durations in the file, a bare number is not seconds here.
     */
    static Window parseWindow(String text) {
        if (CALLS.matcher(text).matches()) {
            return new Window(Units.parseInt(text), Duration.ZERO);
        }
        try {
            return new Window(0, Units.parseDuration(text));
        } catch (IllegalArgumentException e) {
            if (Units.EXPECTED_DURATION.equals(e.getMessage())) {
                throw new IllegalArgumentException(EXPECTED_WINDOW);
            }
            throw e;
        }
    }
}
