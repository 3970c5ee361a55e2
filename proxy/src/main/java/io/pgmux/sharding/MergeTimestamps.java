package io.pgmux.sharding;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses date, timestamp and timestamptz values in PostgreSQL's ISO DateStyle into numbers that
 * order as the values do. Text does not order right by itself: years past 9999 are longer,
 * BC years count backwards and timestamptz offsets differ when the shards' TimeZone settings do.
 * Any other DateStyle fails to parse, which refuses the merge rather than misordering.
 */
final class MergeTimestamps {
    private MergeTimestamps() {
    }

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4,})-(\\d{2})-(\\d{2})"
                    + "(?: (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?"
                    + "(?:([+-])(\\d{2})(?::(\\d{2})(?::(\\d{2}))?)?)?)?"
                    + "( BC)?");

    /** A date as days since 1970-01-01; infinities as Long's extremes. */
    static long date(String text) {
        Long infinite = infinity(text);
        if (infinite != null) {
            return infinite;
        }
        Matcher m = match(text, "date");
        if (m.group(4) != null) {
            throw unreadable(text, "date");
        }
        return epochDay(m, text, "date");
    }

    /** A timestamp (with time zone when {@code zoned}) as microseconds since 1970-01-01 00:00 (UTC). */
    static long timestamp(String text, boolean zoned) {
        Long infinite = infinity(text);
        if (infinite != null) {
            return infinite;
        }
        String type = zoned ? "timestamptz" : "timestamp";
        Matcher m = match(text, type);
        if (m.group(4) == null || (m.group(8) != null) != zoned) {
            throw unreadable(text, type);
        }
        long seconds = (Long.parseLong(m.group(4)) * 60 + Long.parseLong(m.group(5))) * 60 + Long.parseLong(m.group(6));
        String fraction = m.group(7) == null ? "" : m.group(7);
        long micros = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000").substring(0, 6));
        if (zoned) {
            long offset = (Long.parseLong(m.group(9)) * 60 + parseOr0(m.group(10))) * 60 + parseOr0(m.group(11));
            seconds -= m.group(8).equals("-") ? -offset : offset;
        }
        return epochDay(m, text, type) * MICROS_PER_DAY + seconds * 1_000_000 + micros;
    }

    private static Long infinity(String text) {
        return switch (text) {
            case "infinity" -> Long.MAX_VALUE;
            case "-infinity" -> Long.MIN_VALUE;
            default -> null;
        };
    }

    private static Matcher match(String text, String type) {
        Matcher m = ISO.matcher(text);
        if (!m.matches()) {
            throw unreadable(text, type);
        }
        return m;
    }

    private static long epochDay(Matcher m, String text, String type) {
        try {
            long year = Long.parseLong(m.group(1));
            // 1 BC is year 0 of the proleptic Gregorian calendar, which PostgreSQL also uses
            int proleptic = Math.toIntExact(m.group(12) != null ? 1 - year : year);
            return LocalDate.of(proleptic, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))).toEpochDay();
        } catch (DateTimeException | ArithmeticException e) {
            throw unreadable(text, type);
        }
    }

    private static long parseOr0(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private static MergeException unreadable(String text, String type) {
        return new MergeException("cannot merge " + type + " value '" + text
                + "' across shards: the shards must use DateStyle ISO");
    }
}
