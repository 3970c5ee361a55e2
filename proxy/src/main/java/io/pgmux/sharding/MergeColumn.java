package io.pgmux.sharding;

/**
 * A result column the merger compares: its type, OID (the binary width of an integer or float
 * depends on it) and format.
 *
 * @param type    how its values order
 * @param typeOid its RowDescription type OID
 * @param binary  format code 1 (the type's send/recv form) rather than 0 (text)
 */
record MergeColumn(MergeType type, int typeOid, boolean binary) {

    /** The comparable value of a non-NULL value of this column. */
    Comparable<?> decode(byte[] value) {
        return binary ? MergeBinary.decode(type, typeOid, value) : type.decode(value);
    }
}
