package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * The order of an ORDER BY over one result's columns: decodes the sort columns of a DataRow into a
 * key, and compares keys as PostgreSQL orders the rows.
 */
final class MergeRowOrder {
    private final int[] columns;
    private final MergeColumn[] types;
    private final boolean[] descending;
    private final boolean[] nullsFirst;

    private MergeRowOrder(int size) {
        columns = new int[size];
        types = new MergeColumn[size];
        descending = new boolean[size];
        nullsFirst = new boolean[size];
    }

    /**
     * The order of {@code keys} over columns {@code shape}.
     *
     * @throws MergeException when a key names no column, or a column the merger cannot compare
     */
    static MergeRowOrder of(List<MergeSortKey> keys, RowShape shape, boolean textOrderIsCodePoint) {
        MergeRowOrder order = new MergeRowOrder(keys.size());
        List<String> names = shape.names();
        for (int i = 0; i < keys.size(); i++) {
            MergeSortKey key = keys.get(i);
            int column = key.column().resolve(names);
            order.columns[i] = column;
            order.types[i] = comparableType(shape.fields().get(column), textOrderIsCodePoint, "ORDER BY");
            order.descending[i] = key.descending();
            order.nullsFirst[i] = key.nullsFirst();
        }
        return order;
    }

    /**
     * The type of a column the merger must compare for {@code use} (ORDER BY, min(), max()).
     *
     * @throws MergeException for a format other than text or binary, a type it cannot compare, or
     *                        text whose order is not known to be byte order
     */
    static MergeColumn comparableType(RowShape.Field field, boolean textOrderIsCodePoint, String use) {
        String column = "column \"" + field.name() + "\"";
        if (field.format() != 0 && field.format() != 1) {
            throw new MergeException("cannot merge " + use + " on " + column + " of format code " + field.format()
                    + " across shards");
        }
        MergeType type = MergeType.forOid(field.typeOid());
        if (type == null) {
            throw new MergeException("cannot merge " + use + " on " + column + " of type OID " + field.typeOid()
                    + " across shards");
        }
        if (type.collatable() && !textOrderIsCodePoint) {
            throw new MergeException("cannot merge " + use + " on text " + column
                    + " across shards: the shards' collation order is not known to pgmux (only \"C\" is)");
        }
        return new MergeColumn(type, field.typeOid(), field.format() == 1);
    }

    /** The decoded sort columns of {@code row}; NULLs are null. */
    Comparable<?>[] key(ByteBuf row) {
        Comparable<?>[] key = new Comparable<?>[columns.length];
        for (int i = 0; i < columns.length; i++) {
            byte[] value = RowValues.column(row, columns[i]);
            key[i] = value == null ? null : types[i].decode(value);
        }
        return key;
    }

    int compare(Comparable<?>[] a, Comparable<?>[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = compareValues(a[i], b[i], descending[i], nullsFirst[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Compares two values of one column (same type), NULLs placed as asked whatever the direction. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compareValues(Comparable a, Comparable b, boolean descending, boolean nullsFirst) {
        if (a == null || b == null) {
            return a == b ? 0 : (a == null) == nullsFirst ? -1 : 1;
        }
        int c = a.compareTo(b);
        return descending ? -c : c;
    }
}
