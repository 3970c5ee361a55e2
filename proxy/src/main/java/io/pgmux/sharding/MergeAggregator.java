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
            MergeType type = MergeRowOrder.comparableType(field, textOrderIsCodePoint, use);
            return extreme(type, partials, function == MergeAggregate.MAX);
        }
        if (field.format() != 0) {
            throw new MergeException("cannot merge " + use + " in binary format across shards");
        }
        List<String> texts = partials.stream()
                .filter(p -> p != null)
                .map(p -> new String(p, StandardCharsets.US_ASCII))
                .toList();
        if (function == MergeAggregate.COUNT && (texts.size() != partials.size() || field.typeOid() != MergeType.INT8_OID)) {
            throw new MergeException("unexpected count() result from a shard");
        }
        if (texts.isEmpty()) {
            return null;
        }
        String sum = switch (field.typeOid()) {
            case MergeType.INT8_OID -> Long.toString(sumLongs(texts));
            case MergeType.NUMERIC_OID -> texts.stream().map(NumericValue::parse)
                    .reduce(NumericValue::plus).orElseThrow().text();
            case MergeType.FLOAT8_OID -> MergeFloats.format(sumDoubles(texts), false);
            case MergeType.FLOAT4_OID -> MergeFloats.format(sumFloats(texts), true);
            default -> throw new MergeException("cannot merge " + use + " of type OID " + field.typeOid()
                    + " across shards");
        };
        return sum.getBytes(StandardCharsets.US_ASCII);
    }

    private static long sumLongs(List<String> texts) {
        long sum = 0;
        for (String t : texts) {
            try {
                sum = Math.addExact(sum, Long.parseLong(t));
            } catch (ArithmeticException e) {
                throw new MergeException("bigint out of range");
            }
        }
        return sum;
    }

    // plain left-to-right addition as float8pl does (DoubleStream.sum would compensate)
    private static double sumDoubles(List<String> texts) {
        double sum = 0;
        for (String t : texts) {
            sum += Double.parseDouble(t);
        }
        return sum;
    }

    // float4 sums add in single precision, as float4pl does
    private static float sumFloats(List<String> texts) {
        float sum = 0;
        for (String t : texts) {
            sum += Float.parseFloat(t);
        }
        return sum;
    }

    /** The least (or greatest) non-NULL partial, as the shard wrote it; null if all are NULL. */
    private static byte[] extreme(MergeType type, List<byte[]> partials, boolean greatest) {
        byte[] best = null;
        Comparable<?> bestValue = null;
        for (byte[] p : partials) {
            if (p == null) {
                continue;
            }
            Comparable<?> value = type.decode(p);
            if (best == null || MergeRowOrder.compareValues(value, bestValue, greatest, false) < 0) {
                best = p;
                bestValue = value;
            }
        }
        return best;
    }
}
