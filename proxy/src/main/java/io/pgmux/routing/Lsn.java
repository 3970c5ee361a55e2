package io.pgmux.routing;

/** PostgreSQL WAL positions ({@code pg_lsn}, written {@code 16/B374D848}) as unsigned 64-bit numbers. */
public final class Lsn {
    private Lsn() {
    }

    /** Parses {@code X/Y} (hex halves); null or empty gives 0 (unknown). */
    public static long parse(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        long hi = Long.parseUnsignedLong(text.substring(0, slash), 16);
        long lo = Long.parseUnsignedLong(text.substring(slash + 1), 16);
        return (hi << 32) | lo;
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }
}
