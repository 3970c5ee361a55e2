package io.pgmux.sharding;

/**
 * Reads an integer as PostgreSQL's int8 input function does ({@code pg_strtoint64_safe}): blanks
 * around (trimmed by the caller), an optional sign, then decimal digits or a {@code 0x}/{@code 0o}/{@code 0b} prefixed
 * number, {@code _} allowed between digits. Out of the bigint range or malformed: null. No
 * allocation but the result.
 */
final class IntegerText {
    private IntegerText() {
    }

    /** The integer in {@code s[from, end)}, blanks already trimmed. */
    static ShardKeyValue.IntegerKey parse(CharSequence s, int from, int end) {
        int i = from;
        boolean negative = false;
        if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (end - i > 2 && s.charAt(i) == '0') {
            char p = Character.toLowerCase(s.charAt(i + 1));
            radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 10;
            if (radix != 10) {
                i += 2;
                if (s.charAt(i) == '_') {
                    i++; // PostgreSQL allows 0x_FF
                }
            }
        }
        if (i >= end) {
            return null;
        }
        // accumulate negatively: the magnitude of Long.MIN_VALUE does not fit a positive long
        long value = 0;
        long limit = Long.MIN_VALUE / radix;
        boolean afterDigit = false;
        for (; i < end; i++) {
            char c = s.charAt(i);
            if (c == '_' && afterDigit && i + 1 < end && s.charAt(i + 1) != '_') {
                afterDigit = false;
                continue;
            }
            int d = Character.digit(c, radix);
            if (d < 0 || c > 127 || value < limit) {
                return null;
            }
            value *= radix;
            if (value < Long.MIN_VALUE + d) {
                return null;
            }
            value -= d;
            afterDigit = true;
        }
        if (!afterDigit) {
            return null;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null;
            }
            value = -value;
        }
        return new ShardKeyValue.IntegerKey(value);
    }
}
