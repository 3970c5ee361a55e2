package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.Wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a RowDescription, decoded. Shards agree on a result's shape when names, types,
 * type modifiers and formats agree; table OIDs and column numbers are ignored, since every shard
 * database numbers its tables itself.
 */
record RowShape(List<Field> fields) {

    /** One column of a RowDescription. */
    record Field(String name, int tableOid, int columnNumber, int typeOid, int typeSize, int typeModifier, int format) {
        boolean sameColumnAs(Field other) {
            return name.equals(other.name) && typeOid == other.typeOid && typeSize == other.typeSize
                    && typeModifier == other.typeModifier && format == other.format;
        }
    }

    /** Decodes the RowDescription message at {@code msg}'s reader index; does not change its indexes. */
    static RowShape parse(ByteBuf msg) {
        int start = msg.readerIndex();
        if (msg.getByte(start) != MessageTypes.ROW_DESCRIPTION) {
            throw new MergeException("expected a RowDescription");
        }
        int end = start + 1 + msg.getInt(start + 1);
        int pos = start + MessageTypes.HEADER_LENGTH;
        int count = msg.getUnsignedShort(pos);
        pos += 2;
        List<Field> fields = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = Wire.readCString(msg, pos, end);
            pos = Wire.cStringEnd(msg, pos, end) + 1;
            fields.add(new Field(name, msg.getInt(pos), msg.getShort(pos + 4), msg.getInt(pos + 6),
                    msg.getShort(pos + 10), msg.getInt(pos + 12), msg.getShort(pos + 16)));
            pos += 18;
        }
        return new RowShape(List.copyOf(fields));
    }

    boolean sameColumnsAs(RowShape other) {
        if (fields.size() != other.fields.size()) {
            return false;
        }
        for (int i = 0; i < fields.size(); i++) {
            if (!fields.get(i).sameColumnAs(other.fields.get(i))) {
                return false;
            }
        }
        return true;
    }

    List<String> names() {
        return fields.stream().map(Field::name).toList();
    }
}
