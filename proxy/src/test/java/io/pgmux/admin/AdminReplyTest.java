package io.pgmux.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.PgError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The backend messages the console writes, read back with pgmux's own framer. */
class AdminReplyTest {
    private static final UnpooledByteBufAllocator A = UnpooledByteBufAllocator.DEFAULT;

    /** Messages as "type:fields" strings: RowDescription lists names, DataRow values (NULL as \N). */
    private static List<String> render(AdminReply reply) {
        ByteBuf out = A.buffer();
        reply.writeTo(out, A);
        List<String> messages = new ArrayList<>();
        new MessageFramer(1 << 20).feed(A, out, new MessageFramer.Listener() {
            @Override
            public boolean needsWhole(byte type) {
                return true;
            }

            @Override
            public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
                messages.add((char) type + ":" + describe(type, buf, offset, length));
                return true;
            }

            @Override
            public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            }
        });
        out.release();
        return messages;
    }

    private static String describe(byte type, ByteBuf buf, int offset, int length) {
        int pos = offset + 5;
        List<String> parts = new ArrayList<>();
        switch (type) {
            case 'T' -> {
                int n = buf.getUnsignedShort(pos);
                pos += 2;
                for (int i = 0; i < n; i++) {
                    int nul = buf.indexOf(pos, offset + length, (byte) 0);
                    parts.add(buf.toString(pos, nul - pos, StandardCharsets.UTF_8));
                    assertEquals(25, buf.getInt(nul + 1 + 6), "every column is text");
                    pos = nul + 1 + 18;
                }
            }
            case 'D' -> {
                int n = buf.getUnsignedShort(pos);
                pos += 2;
                for (int i = 0; i < n; i++) {
                    int len = buf.getInt(pos);
                    pos += 4;
                    parts.add(len < 0 ? "\\N" : buf.toString(pos, len, StandardCharsets.UTF_8));
                    pos += Math.max(len, 0);
                }
            }
            case 'C' -> parts.add(buf.toString(pos, offset + length - pos - 1, StandardCharsets.UTF_8));
            case 'E', 'N' -> {
                PgError e = ErrorFields.parse(buf, offset, length);
                parts.add(e.severity() + " " + e.code() + " " + e.message());
            }
            default -> parts.add("?");
        }
        return String.join(",", parts);
    }

    @Test
    void rowsAreRowDescriptionDataRowsAndCommandComplete() {
        ResultTable t = ResultTable.builder("database", "cl_active", "load_balance_hosts")
                .row("app", 3, null)
                .row("bü", 0L, "x")
                .build();
        assertEquals(List.of("T:database,cl_active,load_balance_hosts", "D:app,3,\\N", "D:bü,0,x", "C:SHOW"),
                render(new AdminReply.Rows(t)));
    }

    @Test
    void emptyTableStillDescribesItsColumns() {
        assertEquals(List.of("T:a,b", "C:SHOW"), render(new AdminReply.Rows(ResultTable.builder("a", "b").build())));
    }

    @Test
    void doneAndNoticesAndErrors() {
        assertEquals(List.of("C:PAUSE"), render(new AdminReply.Done("PAUSE")));
        assertEquals(List.of("N:NOTICE 00000 SET ignored", "C:SET"), render(new AdminReply.Done("SET",
                List.of(new PgError("NOTICE", "00000", "SET ignored", null, null)))));
        assertEquals(List.of("E:ERROR 42601 nope"), render(new AdminReply.Failed(PgError.error("42601", "nope"))));
    }

    @Test
    void rowsMustMatchTheColumns() {
        assertThrows(IllegalArgumentException.class,
                () -> new ResultTable(List.of("a", "b"), List.of(Arrays.asList("only one"))));
        ResultTable t = ResultTable.builder("k", "v").row("x", 1).build();
        assertEquals("1", t.value(0, "v"));
        assertThrows(UnsupportedOperationException.class, () -> t.rows().get(0).set(0, "changed"));
    }
}
