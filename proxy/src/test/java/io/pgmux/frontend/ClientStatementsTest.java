package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgmux.backend.PreparedStatement;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ClientStatementsTest {

    private static PreparedStatement statement(String sql) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(sql.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(0);
        return PreparedStatement.fromParse(b, 0, b.writerIndex());
    }

    /** The name as it sits in a message: surrounded by other bytes, NUL-terminated. */
    private static PreparedStatement lookup(ClientStatements s, String name) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes("B\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(name.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(0);
        return s.get(b, 6, 6 + name.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void findsByTheMessageBytesAgainAndAgain() {
        ClientStatements s = new ClientStatements(100);
        PreparedStatement a = statement("SELECT 1");
        PreparedStatement b = statement("SELECT 2");
        s.put("S_1", a);
        s.put("S_2", b);
        for (int i = 0; i < 3; i++) {
            assertSame(a, lookup(s, "S_1"));
            assertSame(b, lookup(s, "S_2"));
        }
        assertNull(lookup(s, "S_3"));
        assertNull(lookup(s, "S_"));
    }

    @Test
    void forgetsWhatWasRemovedOrReplaced() {
        ClientStatements s = new ClientStatements(100);
        PreparedStatement a = statement("SELECT 1");
        s.put("P_0", a);
        assertSame(a, lookup(s, "P_0"));
        s.remove("P_0");
        assertNull(lookup(s, "P_0"));
        PreparedStatement b = statement("SELECT 2");
        s.put("P_0", b);
        assertSame(b, lookup(s, "P_0"));
        s.remove("P_0", b);
        assertNull(lookup(s, "P_0"));
        s.put("P_0", a);
        assertSame(a, lookup(s, "P_0"));
        s.clear();
        assertNull(lookup(s, "P_0"));
    }

    @Test
    void manyNamesSharingSlots() {
        ClientStatements s = new ClientStatements(1000);
        PreparedStatement[] all = new PreparedStatement[100];
        for (int i = 0; i < all.length; i++) {
            all[i] = statement("SELECT " + i);
            s.put("stmt_" + i, all[i]);
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < all.length; i++) {
                assertSame(all[i], lookup(s, "stmt_" + i));
            }
        }
        assertSame(all[7], lookup(s, "stmt_7"));
        assertNull(lookup(s, "stmt_100"));
        assertNull(lookup(s, "é"));
    }
}
