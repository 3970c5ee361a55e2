package io.pgmux.protocol.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/** Server responses as PostgreSQL sends them, built once per benchmark trial. */
final class Responses {
    private Responses() {
    }

    /** {@code pgbench -S}'s answer: RowDescription (abalance int4), one DataRow, CommandComplete, ReadyForQuery. */
    static ByteBuf selectOne(ByteBufAllocator alloc) {
        ByteBuf b = alloc.directBuffer(128);
        rowDescription(b);
        dataRow(b, "-4711");
        commandComplete(b, "SELECT 1");
        readyForQuery(b);
        return b;
    }

    /** The same with the extended protocol's ParseComplete and BindComplete first ({@code -M extended}). */
    static ByteBuf extendedSelectOne(ByteBufAllocator alloc) {
        ByteBuf b = alloc.directBuffer(128);
        b.writeByte('1').writeInt(4);
        b.writeByte('2').writeInt(4);
        rowDescription(b);
        dataRow(b, "-4711");
        commandComplete(b, "SELECT 1");
        readyForQuery(b);
        return b;
    }

    /** RowDescription, {@code rows} DataRows of a {@code width}-byte text column, CommandComplete, ReadyForQuery. */
    static ByteBuf rows(ByteBufAllocator alloc, int rows, int width) {
        ByteBuf b = alloc.directBuffer(64 + rows * (11 + width));
        rowDescription(b);
        String value = "x".repeat(width);
        for (int i = 0; i < rows; i++) {
            dataRow(b, value);
        }
        commandComplete(b, "SELECT " + rows);
        readyForQuery(b);
        return b;
    }

    private static void rowDescription(ByteBuf b) {
        byte[] name = "abalance".getBytes(StandardCharsets.US_ASCII);
        b.writeByte('T').writeInt(4 + 2 + name.length + 1 + 18).writeShort(1);
        b.writeBytes(name).writeByte(0);
        b.writeInt(16397).writeShort(3).writeInt(23).writeShort(4).writeInt(-1).writeShort(0);
    }

    private static void dataRow(ByteBuf b, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        b.writeByte('D').writeInt(4 + 2 + 4 + v.length).writeShort(1).writeInt(v.length).writeBytes(v);
    }

    private static void commandComplete(ByteBuf b, String tag) {
        byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
        b.writeByte('C').writeInt(4 + t.length + 1).writeBytes(t).writeByte(0);
    }

    private static void readyForQuery(ByteBuf b) {
        b.writeByte('Z').writeInt(5).writeByte('I');
    }
}
