package io.pgmux.sharding;

import io.pgmux.sharding.MergeValues.FloatValue;
import io.pgmux.sharding.MergeValues.NumericValue;
import io.pgmux.sharding.MergeValues.TextValue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * PostgreSQL's binary (format code 1) column values for the types the merger compares or sums:
 * their {@code *send} output decoded into values that order as the text decoder's do within one
 * column, and written back for combined aggregates.
 *
 * <p>date is int32 days and timestamp/timestamptz int64 microseconds since 2000-01-01, their
 * infinities at the type's extremes, so the numbers order as the values do; they are compared
 * as sent (not shifted to another epoch, which could overflow near the end of the timestamp range).
 * uuid orders by its 16 bytes unsigned, as uuid_cmp (memcmp) does; text types send their bytes.
 */
final class MergeBinary {
    private MergeBinary() {
    }

    static final int NUMERIC_POS = 0x0000;
    static final int NUMERIC_NEG = 0x4000;
    static final int NUMERIC_NAN = 0xC000;
    static final int NUMERIC_PINF = 0xD000;
    static final int NUMERIC_NINF = 0xF000;
    private static final int NBASE_DIGITS = 4;
    private static final BigInteger NBASE = BigInteger.valueOf(10_000);

    /** The comparable value of a non-NULL binary column of {@code type}, OID {@code typeOid}. */
    static Comparable<?> decode(MergeType type, int typeOid, byte[] value) {
        return switch (type) {
            case INTEGER -> switch (typeOid) {
                case 21 -> (long) buffer(value, 2, "int2").getShort();
                case 23 -> (long) buffer(value, 4, "int4").getInt();
                case 26 -> Integer.toUnsignedLong(buffer(value, 4, "oid").getInt());
                default -> buffer(value, 8, "int8").getLong();
            };
            case FLOAT -> new FloatValue(typeOid == MergeType.FLOAT4_OID
                    ? buffer(value, 4, "float4").getFloat() : buffer(value, 8, "float8").getDouble());
            case NUMERIC -> numeric(value);
            case BOOLEAN -> buffer(value, 1, "bool").get() != 0;
            case DATE -> (long) buffer(value, 4, "date").getInt();
            case TIMESTAMP -> buffer(value, 8, "timestamp").getLong();
            case TIMESTAMPTZ -> buffer(value, 8, "timestamptz").getLong();
            case UUID -> {
                buffer(value, 16, "uuid");
                yield new TextValue(value);
            }
            // the send functions of text, varchar, name and bpchar write the text itself
            case TEXT, BPCHAR -> type.decode(value);
        };
    }

    private static ByteBuffer buffer(byte[] value, int length, String type) {
        if (value.length != length) {
            throw new MergeException("cannot read binary " + type + " value of " + value.length + " bytes");
        }
        return ByteBuffer.wrap(value);
    }

    static long int8(byte[] value) {
        return buffer(value, 8, "int8").getLong();
    }

    static byte[] int8(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static double float8(byte[] value) {
        return buffer(value, 8, "float8").getDouble();
    }

    static byte[] float8(double value) {
        return ByteBuffer.allocate(8).putLong(Double.doubleToRawLongBits(value)).array();
    }

    static float float4(byte[] value) {
        return buffer(value, 4, "float4").getFloat();
    }

    static byte[] float4(float value) {
        return ByteBuffer.allocate(4).putInt(Float.floatToRawIntBits(value)).array();
    }

    /**
     * A numeric from numeric_send's layout: int16 ndigits, int16 weight (of the first digit, in
     * powers of 10000), uint16 sign, int16 dscale (decimal digits after the point), then ndigits
     * int16 base-10000 digits.
     */
    static NumericValue numeric(byte[] value) {
        if (value.length < 8) {
            throw new MergeException("cannot read binary numeric value of " + value.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(value);
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xFFFF;
        int dscale = b.getShort();
        if (ndigits < 0 || dscale < 0 || value.length != 8 + 2 * ndigits) {
            throw new MergeException("cannot read binary numeric value: malformed");
        }
        switch (sign) {
            case NUMERIC_NAN:
                return NumericValue.NAN;
            case NUMERIC_PINF:
                return NumericValue.POSITIVE_INFINITY;
            case NUMERIC_NINF:
                return NumericValue.NEGATIVE_INFINITY;
            case NUMERIC_POS, NUMERIC_NEG:
                break;
            default:
                throw new MergeException("cannot read binary numeric value: sign 0x" + Integer.toHexString(sign));
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int digit = b.getShort();
            if (digit < 0 || digit >= 10_000) {
                throw new MergeException("cannot read binary numeric value: digit " + digit);
            }
            unscaled = unscaled.multiply(NBASE).add(BigInteger.valueOf(digit));
        }
        // the digits read make an integer whose last digit has weight (weight - ndigits + 1)
        BigDecimal magnitude = new BigDecimal(unscaled, -NBASE_DIGITS * (weight - ndigits + 1));
        try {
            magnitude = magnitude.setScale(dscale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new MergeException("cannot read binary numeric value: digits beyond its scale");
        }
        return new NumericValue(1, sign == NUMERIC_NEG ? magnitude.negate() : magnitude);
    }

    /**
     * numeric_send's bytes for {@code value}, as PostgreSQL stores a numeric result: leading and
     * trailing zero base-10000 digits stripped, zero as no digits with weight 0 and a positive
     * sign, the scale as dscale.
     */
    static byte[] numeric(NumericValue value) {
        return switch (value.rank()) {
            case 3 -> header(0, 0, NUMERIC_NAN, 0);
            // the infinities' dscale as numeric_send reads it out of their short header (0x1000 >> 7)
            case 2 -> header(0, 0, NUMERIC_PINF, 32);
            case 0 -> header(0, 0, NUMERIC_NINF, 32);
            default -> finite(value.finite());
        };
    }

    private static byte[] header(int ndigits, int weight, int sign, int dscale) {
        return ByteBuffer.allocate(8).putShort((short) ndigits).putShort((short) weight).putShort((short) sign)
                .putShort((short) dscale).array();
    }

    private static byte[] finite(BigDecimal value) {
        int dscale = Math.max(value.scale(), 0);
        if (dscale > 0x3FFF) {
            throw new MergeException("numeric scale " + dscale + " out of range");
        }
        // integer digits padded on the left and fraction digits on the right to whole groups of 4
        BigInteger unscaled = value.setScale(dscale).unscaledValue().abs();
        int fractionGroups = (dscale + NBASE_DIGITS - 1) / NBASE_DIGITS;
        unscaled = unscaled.multiply(BigInteger.TEN.pow(fractionGroups * NBASE_DIGITS - dscale));
        String digits = unscaled.toString();
        int pad = (NBASE_DIGITS - digits.length() % NBASE_DIGITS) % NBASE_DIGITS;
        digits = "0".repeat(pad) + digits;
        int groups = digits.length() / NBASE_DIGITS;
        short[] base = new short[groups];
        for (int i = 0; i < groups; i++) {
            base[i] = Short.parseShort(digits.substring(i * NBASE_DIGITS, (i + 1) * NBASE_DIGITS));
        }
        int weight = groups - fractionGroups - 1;
        int from = 0;
        while (from < groups && base[from] == 0) {
            from++;
            weight--;
        }
        int to = groups;
        while (to > from && base[to - 1] == 0) {
            to--;
        }
        if (from == to) {
            return header(0, 0, NUMERIC_POS, dscale);
        }
        short[] kept = Arrays.copyOfRange(base, from, to);
        ByteBuffer out = ByteBuffer.allocate(8 + 2 * kept.length).putShort((short) kept.length).putShort((short) weight)
                .putShort((short) (value.signum() < 0 ? NUMERIC_NEG : NUMERIC_POS)).putShort((short) dscale);
        for (short d : kept) {
            out.putShort(d);
        }
        return out.array();
    }
}
