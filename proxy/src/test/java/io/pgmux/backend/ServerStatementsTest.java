package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerStatementsTest {

    /** A statement as a Parse body: query\0 int16 n int32[n]. */
    static PreparedStatement stmt(String query, int... types) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(query.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(types.length);
        for (int t : types) {
            b.writeInt(t);
        }
        PreparedStatement s = PreparedStatement.fromParse(b, 0, b.writerIndex());
        b.release();
        return s;
    }

    @Test
    void nameDependsOnTextAndTypesOnly() {
        assertEquals(stmt("SELECT $1", 23).serverName(), stmt("SELECT $1", 23).serverName());
        assertNotEquals(stmt("SELECT $1", 23).serverName(), stmt("SELECT $1", 20).serverName());
        assertTrue(stmt("SELECT 1").serverName().matches("pgmux_[0-9a-f]{16}"));
        assertEquals("SELECT 1", stmt("SELECT 1").query());
    }

    @Test
    void parseAndCloseMessagesAreWellFormed() {
        PreparedStatement s = stmt("SELECT 1");
        ByteBuf parse = s.parseMessage(UnpooledByteBufAllocator.DEFAULT);
        String name = s.serverName();
        // 'P' len name\0 "SELECT 1"\0 int16(0)
        String expected = "50" + String.format("%08x", 4 + name.length() + 1 + 9 + 2)
                + ByteBufUtil.hexDump((name + "\0SELECT 1\0").getBytes(StandardCharsets.US_ASCII)) + "0000";
        assertEquals(expected, ByteBufUtil.hexDump(parse));
        parse.release();
        ByteBuf close = PreparedStatement.closeMessage(UnpooledByteBufAllocator.DEFAULT, "x");
        assertEquals("43" + "00000007" + "53" + "7800", ByteBufUtil.hexDump(close));
        close.release();
    }

    @Test
    void leastRecentlyUsedAreClosedBeyondCapacity() {
        ServerStatements cache = new ServerStatements();
        PreparedStatement a = stmt("a");
        PreparedStatement b = stmt("b");
        PreparedStatement c = stmt("c");
        assertEquals(List.of(), cache.add(a, 2));
        assertEquals(List.of(), cache.add(b, 2));
        assertTrue(cache.contains(a)); // touches a: b is now the eldest
        assertEquals(List.of(b.serverName()), cache.add(c, 2));
        assertTrue(cache.contains(a));
        assertFalse(cache.contains(b));
        assertEquals(2, cache.size());
    }

    @Test
    void undoRemovesOnlyTheSameStatementAndClearEmpties() {
        ServerStatements cache = new ServerStatements();
        PreparedStatement a = stmt("a");
        cache.add(a, 10);
        cache.remove(stmt("a")); // an equal statement, but not the entry made: kept
        assertTrue(cache.contains(a));
        cache.remove(a);
        assertFalse(cache.contains(a));
        cache.add(a, 10);
        cache.clear();
        assertEquals(0, cache.size());
    }
}
