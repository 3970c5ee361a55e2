package io.pgmux.sharding;

import io.pgmux.sharding.MergeValues.FloatValue;
import io.pgmux.sharding.MergeValues.NumericValue;
import io.pgmux.sharding.MergeValues.TextValue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The column types the merger can compare, by type OID, with how their text form is decoded into
 * a value that orders as PostgreSQL orders it ({@link MergeBinary} decodes their binary form).
 */
enum MergeType {
    INTEGER,
    FLOAT,
    NUMERIC,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ,
    /** text, varchar, name: comparable only when the shards sort them in byte order ("C" collation). */
    TEXT,
    /** char(n): like TEXT, trailing spaces not significant. */
    BPCHAR,
    UUID;

    static final int INT8_OID = 20;
    static final int NUMERIC_OID = 1700;
    static final int FLOAT4_OID = 700;
    static final int FLOAT8_OID = 701;

    /** The type of OID {@code oid}, or null when the merger cannot compare it. */
    static MergeType forOid(int oid) {
        return switch (oid) {
            case 20, 21, 23, 26 -> INTEGER;
            case FLOAT4_OID, FLOAT8_OID -> FLOAT;
            case NUMERIC_OID -> NUMERIC;
            case 16 -> BOOLEAN;
            case 1082 -> DATE;
            case 1114 -> TIMESTAMP;
            case 1184 -> TIMESTAMPTZ;
            case 19, 25, 1043 -> TEXT;
            case 1042 -> BPCHAR;
            case 2950 -> UUID;
            default -> null;
        };
    }

    /** Whether ordering depends on a collation. */
    boolean collatable() {
        return this == TEXT || this == BPCHAR;
    }

    /** The comparable value of a non-NULL column in text format. */
    Comparable<?> decode(byte[] text) {
        String s = this == TEXT || this == BPCHAR ? null : new String(text, StandardCharsets.US_ASCII);
        try {
            return switch (this) {
                case INTEGER -> Long.parseLong(s);
                case FLOAT -> new FloatValue(Double.parseDouble(s));
                case NUMERIC -> NumericValue.parse(s);
                case BOOLEAN -> bool(s);
                case DATE -> MergeTimestamps.date(s);
                case TIMESTAMP -> MergeTimestamps.timestamp(s, false);
                case TIMESTAMPTZ -> MergeTimestamps.timestamp(s, true);
                case TEXT -> new TextValue(text);
                case BPCHAR -> new TextValue(withoutTrailingSpaces(text));
                // uuid_out always writes the same lower-case layout: text order is byte order
                case UUID -> new TextValue(text);
            };
        } catch (NumberFormatException e) {
            throw new MergeException("cannot read " + name().toLowerCase(java.util.Locale.ROOT) + " value '" + s + "'");
        }
    }

    private static Boolean bool(String s) {
        return switch (s) {
            case "t" -> Boolean.TRUE;
            case "f" -> Boolean.FALSE;
            default -> throw new NumberFormatException(s);
        };
    }

    private static byte[] withoutTrailingSpaces(byte[] text) {
        int n = text.length;
        while (n > 0 && text[n - 1] == ' ') {
            n--;
        }
        return n == text.length ? text : Arrays.copyOf(text, n);
    }
}
