package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.Wire;

import java.util.List;

/**
 * Reads single column values out of DataRow messages and writes new DataRows. Reading leaves the
 * message's indexes and reference count alone; only the columns asked for are copied out.
 */
final class RowValues {
    private RowValues() {
    }

    /** The number of columns of the DataRow at {@code row}'s reader index. */
    static int columnCount(ByteBuf row) {
        int start = row.readerIndex();
        if (row.getByte(start) != MessageTypes.DATA_ROW) {
            throw new MergeException("expected a DataRow");
        }
        return row.getUnsignedShort(start + MessageTypes.HEADER_LENGTH);
    }

    /** The bytes of column {@code index} (0-based), or null for SQL NULL. */
    static byte[] column(ByteBuf row, int index) {
        int start = row.readerIndex();
        int end = start + 1 + row.getInt(start + 1);
        if (index >= columnCount(row)) {
            throw new MergeException("DataRow has fewer columns than its RowDescription");
        }
        int pos = start + MessageTypes.HEADER_LENGTH + 2;
        for (int i = 0; i < index; i++) {
            int length = row.getInt(pos);
            pos += 4 + Math.max(length, 0);
        }
        int length = row.getInt(pos);
        if (length < 0) {
            return null;
        }
        if (pos + 4 + length > end) {
            throw new MergeException("DataRow column runs past the message");
        }
        byte[] value = new byte[length];
        row.getBytes(pos + 4, value);
        return value;
    }

    /** A new DataRow of {@code values} (null elements are SQL NULL); the caller owns it. */
    static ByteBuf dataRow(ByteBufAllocator alloc, List<byte[]> values) {
        int size = MessageTypes.HEADER_LENGTH + 2;
        for (byte[] v : values) {
            size += 4 + (v == null ? 0 : v.length);
        }
        ByteBuf out = alloc.buffer(size);
        int len = Wire.beginMessage(out, MessageTypes.DATA_ROW);
        out.writeShort(values.size());
        for (byte[] v : values) {
            if (v == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(v.length).writeBytes(v);
            }
        }
        Wire.endMessage(out, len);
        return out;
    }

    /** The tag of the CommandComplete at {@code msg}'s reader index. */
    static String commandTag(ByteBuf msg) {
        int start = msg.readerIndex();
        return Wire.readCString(msg, start + MessageTypes.HEADER_LENGTH, start + 1 + msg.getInt(start + 1));
    }
}
