package io.pgmux.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human-friendly values of the configuration: counts, durations, byte sizes and
 * booleans. Public so that settings changed at run time (the admin console's {@code SET}) are read
 * exactly as the file is.
 */
public final class Units {

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern DURATION = Pattern.compile("([-+]?[0-9]+) ?(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("([-+]?[0-9]+) ?([A-Za-z]*)");
    private static final Map<String, Long> SIZE_UNITS = Map.ofEntries(
            Map.entry("", 1L), Map.entry("b", 1L),
            Map.entry("kb", 1L << 10), Map.entry("kib", 1L << 10),
            Map.entry("mb", 1L << 20), Map.entry("mib", 1L << 20),
            Map.entry("gb", 1L << 30), Map.entry("gib", 1L << 30),
            Map.entry("tb", 1L << 40), Map.entry("tib", 1L << 40));

    static final String EXPECTED_NUMBER = "expected a number";
    static final String EXPECTED_DURATION = "expected a duration like 30s";
    static final String EXPECTED_SIZE = "expected a size like 256MB";
    static final String EXPECTED_BOOLEAN = "expected true or false";

    private Units() {
    }

    /** A decimal integer; YAML-style {@code 10_000} is accepted. */
    public static int parseInt(String text) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException(EXPECTED_NUMBER);
        }
        try {
            return Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number out of range");
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED_DURATION);
        }
        long amount = parseNonNegative(m.group(1), "duration");
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration out of range");
        }
    }

    /** A duration as the file writes it, in its largest exact unit: {@code 2m}, {@code 90s}, {@code 1500ms}. */
    static String format(Duration d) {
        long ms = d.toMillis();
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms != 0 && ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms == 0 ? "0" : ms + "ms";
    }

    /**
     * Bytes: {@code 1024}, {@code 64kB}, {@code 64KB}, {@code 64KiB}, {@code 256MB}, {@code 1GB}. Every
     * unit is a power of 1024, as in PostgreSQL's own settings, whatever its spelling.
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text);
        Long unit = m.matches() ? SIZE_UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw new IllegalArgumentException(EXPECTED_SIZE);
        }
        try {
            return Math.multiplyExact(parseNonNegative(m.group(1), "size"), unit);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size out of range");
        }
    }

    /** {@code true}/{@code false}, and YAML 1.1's {@code yes}/{@code no}/{@code on}/{@code off}, in any case. */
    public static boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(EXPECTED_BOOLEAN);
        };
    }

    private static long parseNonNegative(String digits, String what) {
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " out of range");
        }
        if (value < 0) {
            throw new IllegalArgumentException("must not be negative");
        }
        return value;
    }
}
