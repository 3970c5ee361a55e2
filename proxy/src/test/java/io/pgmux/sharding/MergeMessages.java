package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.Wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-built backend messages for the merger tests, and readers for what it returns. */
final class MergeMessages {
    private MergeMessages() {
    }

    /** RowDescription of {@code name, typeOid, name, typeOid, ...}, text format, table OID {@code tableOid}. */
    static ByteBuf rowDescription(int tableOid, Object... nameOid) {
        return rowDescriptionInFormat(0, tableOid, nameOid);
    }

    /** As {@link #rowDescription}, every column in binary format (format code 1). */
    static ByteBuf binaryRowDescription(int tableOid, Object... nameOid) {
        return rowDescriptionInFormat(1, tableOid, nameOid);
    }

    private static ByteBuf rowDescriptionInFormat(int format, int tableOid, Object... nameOid) {
        ByteBuf out = Unpooled.buffer();
        int len = Wire.beginMessage(out, MessageTypes.ROW_DESCRIPTION);
        out.writeShort(nameOid.length / 2);
        for (int i = 0; i < nameOid.length; i += 2) {
            Wire.writeCString(out, (String) nameOid[i]);
            out.writeInt(tableOid).writeShort(i / 2 + 1);
            out.writeInt((Integer) nameOid[i + 1]).writeShort(-1).writeInt(-1).writeShort(format);
        }
        Wire.endMessage(out, len);
        return out;
    }

    /** A DataRow of raw column bytes (null elements are SQL NULL). */
    static ByteBuf binaryRow(byte[]... values) {
        return RowValues.dataRow(Unpooled.buffer().alloc(), Arrays.asList(values));
    }

    /** A shard answer of {@code description}, rows of raw column bytes, and CommandComplete counting them. */
    static ScatterResult binaryShard(String label, ByteBuf description, List<List<byte[]>> rows) {
        List<ByteBuf> messages = new ArrayList<>();
        messages.add(description);
        rows.forEach(r -> messages.add(binaryRow(r.toArray(byte[][]::new))));
        messages.add(complete("SELECT " + rows.size()));
        return new ScatterResult(label, messages);
    }

    /** The raw column bytes of a DataRow (null for SQL NULL). */
    static List<byte[]> binaryValues(ByteBuf row) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < RowValues.columnCount(row); i++) {
            out.add(RowValues.column(row, i));
        }
        return out;
    }

    static ByteBuf row(String... values) {
        ByteBuf out = Unpooled.buffer();
        BackendMessages.writeDataRow(out, Arrays.asList(values));
        return out;
    }

    static ByteBuf complete(String tag) {
        ByteBuf out = Unpooled.buffer();
        BackendMessages.writeCommandComplete(out, tag);
        return out;
    }

    static ByteBuf error(String code, String message) {
        return BackendMessages.errorResponse(Unpooled.buffer().alloc(), PgError.error(code, message));
    }

    static ByteBuf empty(byte type) {
        return BackendMessages.empty(Unpooled.buffer().alloc(), type);
    }

    /** A shard answer of {@code description}, the rows, and CommandComplete counting them. */
    static ScatterResult shard(String label, ByteBuf description, List<List<String>> rows) {
        List<ByteBuf> messages = new ArrayList<>();
        messages.add(description);
        rows.forEach(r -> messages.add(row(r.toArray(String[]::new))));
        messages.add(complete("SELECT " + rows.size()));
        return new ScatterResult(label, messages);
    }

    static char type(ByteBuf msg) {
        return (char) msg.getByte(msg.readerIndex());
    }

    /** The values of a DataRow. */
    static List<String> values(ByteBuf row) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < RowValues.columnCount(row); i++) {
            byte[] v = RowValues.column(row, i);
            out.add(v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The DataRows of a merged answer, after checking it is RowDescription, DataRows and a
     * CommandComplete counting them (failing with the error's text if it ends in an ErrorResponse).
     */
    static List<ByteBuf> dataRows(List<ByteBuf> out) {
        ByteBuf last = out.get(out.size() - 1);
        assertEquals('C', type(last), () -> type(last) == 'E' ? errorText(last) : "CommandComplete last");
        assertEquals('T', type(out.get(0)), "RowDescription first");
        List<ByteBuf> rows = out.subList(1, out.size() - 1);
        rows.forEach(m -> assertEquals('D', type(m)));
        assertEquals("SELECT " + rows.size(), RowValues.commandTag(last));
        return rows;
    }

    /** The text of the ErrorResponse that ends {@code out}. */
    static String onlyError(List<ByteBuf> out) {
        ByteBuf last = out.get(out.size() - 1);
        assertEquals('E', type(last));
        return errorText(last);
    }

    /** The fields of an ErrorResponse, as {@code "C=..., M=..., D=..."} in order. */
    static String errorText(ByteBuf msg) {
        int start = msg.readerIndex();
        int end = start + 1 + msg.getInt(start + 1);
        StringBuilder sb = new StringBuilder();
        int pos = start + 5;
        while (pos < end && msg.getByte(pos) != 0) {
            String value = Wire.readCString(msg, pos + 1, end);
            sb.append(sb.length() == 0 ? "" : ", ").append((char) msg.getByte(pos)).append('=').append(value);
            pos = Wire.cStringEnd(msg, pos + 1, end) + 1;
        }
        return sb.toString();
    }
}
