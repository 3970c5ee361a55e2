package io.pgmux.sharding;

import java.nio.charset.StandardCharsets;

/**
 * A shard key's value, read as the key column's type reads it. Made from text (a SQL literal, a
 * text-format Bind parameter) with {@link #ofText} or from a binary-format Bind parameter with
 * {@link #ofBinary}; both answer null for a value the column would reject, so the caller can fall
 * back to its no-key rule (the server will report the error itself).
 */
public sealed interface ShardKeyValue {

    /** A smallint, integer or bigint value. */
    record IntegerKey(long value) implements ShardKeyValue {
    }

    /** A text or varchar value. */
    record TextKey(String value) implements ShardKeyValue {
    }

    /** A uuid, as its two big-endian halves. */
    record UuidKey(long high, long low) implements ShardKeyValue {
    }

    /**
     * The value of {@code text} for a column of {@code type}, or null when the column would reject
     * it. Integers are read as PostgreSQL's int8 input does: blanks around, a sign, decimal digits
     * with optional {@code _} separators, or {@code 0x}/{@code 0o}/{@code 0b} prefixes (PostgreSQL
     * 16+). A uuid may be upper case, hyphenated anywhere between groups of four digits, in braces.
     */
    static ShardKeyValue ofText(CharSequence text, KeyType type) {
        if (type == KeyType.TEXT) {
            return new TextKey(text.toString());
        }
        // both input functions ignore blanks around the value
        int from = 0;
        int to = text.length();
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return type == KeyType.INTEGER ? IntegerText.parse(text, from, to) : uuid(text, from, to);
    }

    /**
     * The value of a binary-format parameter {@code bytes[offset, offset + length)}: a 2, 4 or 8
     * byte big-endian integer, UTF-8 text, or the 16 bytes of a uuid; null when the length does not
     * fit the type.
     */
    static ShardKeyValue ofBinary(byte[] bytes, int offset, int length, KeyType type) {
        switch (type) {
            case INTEGER:
                if (length != 2 && length != 4 && length != 8) {
                    return null;
                }
                long v = bytes[offset]; // sign-extended by the first byte
                for (int i = 1; i < length; i++) {
                    v = (v << 8) | (bytes[offset + i] & 0xff);
                }
                return new IntegerKey(v);
            case TEXT:
                return new TextKey(new String(bytes, offset, length, StandardCharsets.UTF_8));
            default:
                if (length != 16) {
                    return null;
                }
                return new UuidKey(bigEndian64(bytes, offset), bigEndian64(bytes, offset + 8));
        }
    }

    private static long bigEndian64(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    private static ShardKeyValue uuid(CharSequence text, int from, int to) {
        boolean braces = to - from >= 2 && text.charAt(from) == '{';
        if (braces) {
            if (text.charAt(to - 1) != '}') {
                return null;
            }
            from++;
            to--;
        }
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = from; i < to; i++) {
            char ch = text.charAt(i);
            // uuid_in: a hyphen may follow any group of four digits, never lead or trail
            if (ch == '-' && digits > 0 && digits % 4 == 0 && digits < 32 && i + 1 < to && text.charAt(i + 1) != '-') {
                continue;
            }
            int d = Character.digit(ch, 16);
            if (d < 0 || digits == 32) {
                return null;
            }
            if (digits < 16) {
                high = (high << 4) | d;
            } else {
                low = (low << 4) | d;
            }
            digits++;
        }
        return digits == 32 ? new UuidKey(high, low) : null;
    }
}
