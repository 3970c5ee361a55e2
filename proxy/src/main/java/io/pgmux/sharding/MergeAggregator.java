package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.pgmux.sharding.MergeValues.NumericValue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Combines the one-row partial results of plain aggregates, column by column, as PostgreSQL
 * would have computed them over all rows: counts add up; sums add up, ignoring NULL partials
 * (a shard without rows), NULL if all are; min and max pick among the non-NULL partials.
 *
 * <p>Sums keep PostgreSQL's result types: int8 (sum of int2/int4) adds exactly and fails on
 * overflow as PostgreSQL does, numeric adds exactly keeping the scale, float4/float8 add in their
 * precision. Float addition is not associative: a float sum may differ in its last digits from the
 * single-database sum, as two runs of a parallel query on one database may.
 *
 * <p>Text and binary results combine alike; the combined value is written in the column's format
 * (binary: count and int8 sums as 8 bytes, numeric as numeric_send lays it out, floats as their
 * IEEE bits; min and max as the winning shard's bytes).
 */
final class MergeAggregator {
    private MergeAggregator() {
    }

    /** The combined row's values (null for SQL NULL), from one partial row per shard. */
    static List<byte[]> combine(List<MergeAggregate> functions, RowShape shape, List<ByteBuf> partials,
                                boolean textOrderIsCodePoint) {
        if (shape.fields().size() != functions.size()) {
            throw new MergeException("aggregate result has " + shape.fields().size() + " columns, expected "
                    + functions.size());
        }
        List<byte[]> values = new ArrayList<>(functions.size());
        for (int i = 0; i < functions.size(); i++) {
            List<byte[]> column = new ArrayList<>(partials.size());
            for (ByteBuf row : partials) {
                column.add(RowValues.column(row, i));
            }
            values.add(combine(functions.get(i), shape.fields().get(i), column, textOrderIsCodePoint));
        }
        return values;
    }

    private static byte[] combine(MergeAggregate function, RowShape.Field field, List<byte[]> partials,
                                  boolean textOrderIsCodePoint) {
        String use = function.sqlName() + "()";
        if (function == MergeAggregate.MIN || function == MergeAggregate.MAX) {
            MergeColumn column = MergeRowOrder.comparableType(field, textOrderIsCodePoint, use);
            return extreme(column, partials, function == MergeAggregate.MAX);
        }
        if (field.format() != 0 && field.format() != 1) {
            throw new MergeException("cannot merge " + use + " in format code " + field.format() + " across shards");
        }
        boolean binary = field.format() == 1;
        List<byte[]> present = partials.stream().filter(p -> p != null).toList();
        if (function == MergeAggregate.COUNT && (present.size() != partials.size() || field.typeOid() != MergeType.INT8_OID)) {
            throw new MergeException("unexpected count() result from a shard");
        }
        if (present.isEmpty()) {
            return null;
        }
        return switch (field.typeOid()) {
            case MergeType.INT8_OID -> binary ? MergeBinary.int8(sumLongs(present, true))
                    : ascii(Long.toString(sumLongs(present, false)));
            case MergeType.NUMERIC_OID -> {
                NumericValue sum = present.stream()
                        .map(p -> binary ? MergeBinary.numeric(p) : NumericValue.parse(text(p)))
                        .reduce(NumericValue::plus).orElseThrow();
                yield binary ? MergeBinary.numeric(sum) : ascii(sum.text());
            }
            case MergeType.FLOAT8_OID -> binary ? MergeBinary.float8(sumDoubles(present, true))
                    : ascii(MergeFloats.format(sumDoubles(present, false), false));
            case MergeType.FLOAT4_OID -> binary ? MergeBinary.float4(sumFloats(present, true))
                    : ascii(MergeFloats.format(sumFloats(present, false), true));
            default -> throw new MergeException("cannot merge " + use + " of type OID " + field.typeOid()
                    + " across shards");
        };
    }

    private static String text(byte[] value) {
        return new String(value, StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static long sumLongs(List<byte[]> values, boolean binary) {
        long sum = 0;
        for (byte[] v : values) {
            try {
                sum = Math.addExact(sum, binary ? MergeBinary.int8(v) : parseLong(v));
            } catch (ArithmeticException e) {
                throw new MergeException("bigint out of range");
            }
        }
        return sum;
    }

    private static long parseLong(byte[] text) {
        try {
            return Long.parseLong(text(text));
        } catch (NumberFormatException e) {
            throw new MergeException("cannot read bigint value '" + text(text) + "'");
        }
    }

    // plain left-to-right addition as float8pl does (DoubleStream.sum would compensate), starting
    // from the first partial as the aggregate starts from its first input (0 + -0 would be 0)
    private static double sumDoubles(List<byte[]> values, boolean binary) {
        double sum = 0;
        for (int i = 0; i < values.size(); i++) {
            double v = binary ? MergeBinary.float8(values.get(i)) : Double.parseDouble(text(values.get(i)));
            sum = i == 0 ? v : sum + v;
        }
        return sum;
    }

    // float4 sums add in single precision, as float4pl does
    private static float sumFloats(List<byte[]> values, boolean binary) {
        float sum = 0;
        for (int i = 0; i < values.size(); i++) {
            float v = binary ? MergeBinary.float4(values.get(i)) : Float.parseFloat(text(values.get(i)));
            sum = i == 0 ? v : sum + v;
        }
        return sum;
    }

    /** The least (or greatest) non-NULL partial, as the shard wrote it; null if all are NULL. */
    private static byte[] extreme(MergeColumn column, List<byte[]> partials, boolean greatest) {
        byte[] best = null;
        Comparable<?> bestValue = null;
        for (byte[] p : partials) {
            if (p == null) {
                continue;
            }
            Comparable<?> value = column.decode(p);
            if (best == null || MergeRowOrder.compareValues(value, bestValue, greatest, false) < 0) {
                best = p;
                bestValue = value;
            }
        }
        return best;
    }
}
