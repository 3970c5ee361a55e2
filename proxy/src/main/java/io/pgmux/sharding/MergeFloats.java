package io.pgmux.sharding;

import java.math.BigDecimal;

/**
 * Prints float4/float8 values as PostgreSQL 12+ does with the default extra_float_digits: the
 * shortest digits that read back exactly, in plain notation for decimal exponents from -4 up to
 * (not including) 15 for float8 and 6 for float4, else as {@code 1.5e+20}.
 *
 * <p>The digits come from {@link Double#toString}, which before Java 19 is occasionally one digit
 * longer than the shortest form.
 */
final class MergeFloats {
    private MergeFloats() {
    }

    static String format(double value, boolean float4) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        BigDecimal decimal = new BigDecimal(float4 ? Float.toString((float) value) : Double.toString(value))
                .stripTrailingZeros();
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        if (exponent >= -4 && exponent < (float4 ? 6 : 15)) {
            return decimal.toPlainString();
        }
        StringBuilder sb = new StringBuilder();
        if (decimal.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int magnitude = Math.abs(exponent);
        if (magnitude < 10) {
            sb.append('0');
        }
        return sb.append(magnitude).toString();
    }
}
