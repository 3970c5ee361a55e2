package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.Wire;
import io.pgmux.sharding.BindParameters;
import io.pgmux.sharding.KeyType;
import io.pgmux.sharding.ShardKeyValue;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frontend's sharding helpers on hand-built messages: what touches a table, Bind parameters, the scatter batch. */
class ShardingFrontendTest {

    @Test
    void statementsThatTouchNoTableRunAnywhere() {
        assertFalse(ShardRouter.touchesTables("SET application_name = 'x'"));
        assertFalse(ShardRouter.touchesTables("show transaction isolation level"));
        assertFalse(ShardRouter.touchesTables("SELECT now(), 'from' AS \"from\""));
        assertFalse(ShardRouter.touchesTables("BEGIN READ ONLY"));
        assertFalse(ShardRouter.touchesTables("select 1;"));
        assertTrue(ShardRouter.touchesTables("SELECT * FROM orders"));
        assertTrue(ShardRouter.touchesTables("SELECT (SELECT count(*) FROM orders)"), "a table in a subquery");
        assertTrue(ShardRouter.touchesTables("SELECT 1; DELETE FROM orders"), "another statement follows");
        assertTrue(ShardRouter.touchesTables("UPDATE orders SET total = 0"));
        assertTrue(ShardRouter.touchesTables("WITH x AS (SELECT 1) SELECT * FROM x"));
    }

    @Test
    void bindParametersAreReadInTextAndBinary() {
        ByteBuf bind = bind("", "", new short[] {0, 1, 0}, "42".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 7}, null);
        BindParameters p = new BindParameters(bind, 0, bind.readableBytes());
        assertEquals(ShardKeyValue.ofText("42", KeyType.INTEGER), p.value(1, KeyType.INTEGER));
        assertEquals(ShardKeyValue.ofText("7", KeyType.INTEGER), p.value(2, KeyType.INTEGER));
        assertNull(p.value(3, KeyType.INTEGER), "NULL has no shard");
        assertNull(p.value(4, KeyType.INTEGER), "no such parameter");
        assertEquals("", BindParameters.statementName(bind, 0, bind.readableBytes()));
        bind.release();
    }

    @Test
    void scatterBatchCarriesThePlannersSqlAndDescribesThePortal() {
        ByteBuf in = Unpooled.buffer();
        add(in, parse("", "SELECT id FROM orders ORDER BY id LIMIT 2 OFFSET 1"));
        add(in, bind("", "", new short[0]));
        add(in, execute(""));
        in.writeByte(MessageTypes.SYNC).writeInt(4);
        ScatterBatch b = ScatterBatch.of(UnpooledByteBufAllocator.DEFAULT, in, 0, in.writerIndex(),
                "SELECT id FROM orders ORDER BY id LIMIT 3", null);
        List<String> seen = messages(b.bytes());
        assertEquals(List.of("P:SELECT id FROM orders ORDER BY id LIMIT 3", "B", "D", "E", "S"), seen);
        assertTrue(b.syntheticDescribe(), "the driver skipped Describe: pgmux adds one for the merge");
        assertEquals(List.of(false), b.synthetic());
        b.bytes().release();
        in.release();
    }

    @Test
    void aBindOfAStatementNeverPreparedIsLeftToTheServer() {
        ByteBuf in = Unpooled.buffer();
        add(in, bind("", "S_9", new short[0]));
        add(in, execute(""));
        in.writeByte(MessageTypes.SYNC).writeInt(4);
        assertNull(ScatterBatch.of(UnpooledByteBufAllocator.DEFAULT, in, 0, in.writerIndex(), null, null));
        in.release();
    }

    private static void add(ByteBuf to, ByteBuf message) {
        to.writeBytes(message);
        message.release();
    }

    private static List<String> messages(ByteBuf buf) {
        List<String> out = new ArrayList<>();
        int pos = buf.readerIndex();
        while (pos < buf.writerIndex()) {
            byte type = buf.getByte(pos);
            int length = buf.getInt(pos + 1) + 1;
            if (type == MessageTypes.PARSE) {
                int nameEnd = Wire.cStringEnd(buf, pos + 5, pos + length);
                out.add("P:" + Wire.readCString(buf, nameEnd + 1, pos + length));
            } else {
                out.add(String.valueOf((char) type));
            }
            pos += length;
        }
        return out;
    }

    private static ByteBuf parse(String name, String sql) {
        ByteBuf b = Unpooled.buffer();
        int len = Wire.beginMessage(b, MessageTypes.PARSE);
        Wire.writeCString(b, name);
        Wire.writeCString(b, sql);
        b.writeShort(0);
        Wire.endMessage(b, len);
        return b;
    }

    private static ByteBuf bind(String portal, String statement, short[] formats, byte[]... params) {
        ByteBuf b = Unpooled.buffer();
        int len = Wire.beginMessage(b, MessageTypes.BIND);
        Wire.writeCString(b, portal);
        Wire.writeCString(b, statement);
        b.writeShort(formats.length);
        for (short f : formats) {
            b.writeShort(f);
        }
        b.writeShort(params.length);
        for (byte[] p : params) {
            if (p == null) {
                b.writeInt(-1);
            } else {
                b.writeInt(p.length).writeBytes(p);
            }
        }
        b.writeShort(0);
        Wire.endMessage(b, len);
        return b;
    }

    private static ByteBuf execute(String portal) {
        ByteBuf b = Unpooled.buffer();
        int len = Wire.beginMessage(b, MessageTypes.EXECUTE);
        Wire.writeCString(b, portal);
        b.writeInt(0);
        Wire.endMessage(b, len);
        return b;
    }
}
