package io.pgmux.sharding;

import java.math.BigDecimal;
import java.util.Arrays;

/** Decoded column values that compare as PostgreSQL compares them. */
final class MergeValues {
    private MergeValues() {
    }

    /** float4/float8: NaN equals NaN and is greater than everything else; -0 equals 0. */
    record FloatValue(double value) implements Comparable<FloatValue> {
        @Override
        public int compareTo(FloatValue o) {
            boolean nan = Double.isNaN(value);
            boolean otherNan = Double.isNaN(o.value);
            if (nan || otherNan) {
                return nan == otherNan ? 0 : nan ? 1 : -1;
            }
            return value < o.value ? -1 : value > o.value ? 1 : 0;
        }
    }

    /**
     * numeric: -Infinity &lt; finite values &lt; Infinity &lt; NaN (PostgreSQL sorts NaN above all).
     *
     * @param rank   0 -Infinity, 1 finite, 2 Infinity, 3 NaN
     * @param finite the value when finite, else null
     */
    record NumericValue(int rank, BigDecimal finite) implements Comparable<NumericValue> {
        static final NumericValue NEGATIVE_INFINITY = new NumericValue(0, null);
        static final NumericValue POSITIVE_INFINITY = new NumericValue(2, null);
        static final NumericValue NAN = new NumericValue(3, null);

        static NumericValue parse(String text) {
            return switch (text) {
                case "NaN" -> NAN;
                case "Infinity" -> POSITIVE_INFINITY;
                case "-Infinity" -> NEGATIVE_INFINITY;
                default -> new NumericValue(1, new BigDecimal(text));
            };
        }

        /** The sum as PostgreSQL's numeric addition has it, including its special values. */
        NumericValue plus(NumericValue o) {
            if (rank == 3 || o.rank == 3 || (rank == 0 && o.rank == 2) || (rank == 2 && o.rank == 0)) {
                return NAN;
            }
            if (rank != 1) {
                return this;
            }
            return o.rank != 1 ? o : new NumericValue(1, finite.add(o.finite));
        }

        /** PostgreSQL's text form: plain notation keeping the scale, as numeric_out prints it. */
        String text() {
            return switch (rank) {
                case 0 -> "-Infinity";
                case 2 -> "Infinity";
                case 3 -> "NaN";
                default -> finite.toPlainString();
            };
        }

        @Override
        public int compareTo(NumericValue o) {
            return rank != o.rank ? Integer.compare(rank, o.rank) : rank == 1 ? finite.compareTo(o.finite) : 0;
        }
    }

    /**
     * Text under the "C" collation: byte order, which for UTF-8 is code point order. Only compared,
     * never hashed.
     */
    record TextValue(byte[] bytes) implements Comparable<TextValue> {
        @Override
        public int compareTo(TextValue o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }
    }
}
