package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Golden bytes for the messages pgmux originates. */
class MessageWritersTest {
    private static final UnpooledByteBufAllocator A = UnpooledByteBufAllocator.DEFAULT;

    private static String hex(ByteBuf b) {
        try {
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }

    @Test
    void errorResponse() {
        // 'E' len 'S' FATAL\0 'V' FATAL\0 'C' 28P01\0 'M' bad\0 \0
        String expected = "45" + "0000001f" + "53" + "464154414c00" + "56" + "464154414c00" + "43" + "323850303100"
                + "4d" + "62616400" + "00";
        assertEquals(expected, hex(BackendMessages.errorResponse(A, PgError.fatal("28P01", "bad"))));
    }

    @Test
    void errorFieldsRoundTrip() {
        ByteBuf b = BackendMessages.errorResponse(A, PgError.error("42601", "syntax error").withDetail("d").withHint("h"));
        PgError e = ErrorFields.parse(b, 0, b.readableBytes());
        assertEquals(new PgError("ERROR", "42601", "syntax error", "d", "h"), e);
        assertEquals("42601", ErrorFields.sqlState(b, 0, b.readableBytes()));
        b.release();
    }

    @Test
    void authenticationMessages() {
        assertEquals("520000000800000000", hex(BackendMessages.authentication(A, BackendMessages.AUTH_OK)));
        assertEquals("520000000c0000000501020304", hex(BackendMessages.authenticationMd5(A, new byte[]{1, 2, 3, 4})));
        assertEquals("520000000b0000000c" + "616263",
                hex(BackendMessages.authenticationSaslData(A, BackendMessages.AUTH_SASL_FINAL, "abc".getBytes())));
    }

    @Test
    void saslMechanismList() {
        String expected = "52" + "00000017" + "0000000a" + ByteBufUtil.hexDump("SCRAM-SHA-256".getBytes()) + "00" + "00";
        assertEquals(expected, hex(BackendMessages.authenticationSasl(A, List.of("SCRAM-SHA-256"))));
    }

    @Test
    void welcomeHasParametersKeyAndReadyForQuery() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("a", "b");
        ByteBuf b = BackendMessages.welcome(A, p, 7, 9);
        // 'S' int32(8) "a\0" "b\0"
        assertEquals("530000000861006200", ByteBufUtil.hexDump(b, 0, 9));
        // 'K' int32(12) pid secret
        assertEquals("4b0000000c0000000700000009", ByteBufUtil.hexDump(b, 9, 13));
        // 'Z' int32(5) 'I'
        assertEquals("5a0000000549", ByteBufUtil.hexDump(b, 22, 6));
        assertEquals(28, b.readableBytes());
        b.release();
    }

    @Test
    void startupMessageAndCancel() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "u");
        // len 00000015, protocol 00030000, "user\0u\0", terminator
        assertEquals("00000010" + "00030000" + "7573657200" + "7500" + "00", hex(FrontendMessages.startupMessage(A, p)));
        assertEquals("00000010" + "04d2162e" + "00000001" + "00000002", hex(FrontendMessages.cancelRequest(A, 1, 2)));
    }

    @Test
    void queryAndPassword() {
        assertEquals("510000000d" + ByteBufUtil.hexDump("SELECT 1".getBytes()) + "00", hex(FrontendMessages.query(A, "SELECT 1")));
        assertEquals("70" + "00000007" + "707700", hex(FrontendMessages.password(A, "pw")));
    }

    @Test
    void rowDescriptionAndDataRow() {
        ByteBuf b = A.buffer();
        BackendMessages.writeRowDescription(b, List.of("x"));
        BackendMessages.writeDataRow(b, java.util.Arrays.asList("1", null));
        BackendMessages.writeCommandComplete(b, "SHOW");
        // 'T' len(4+2+ "x\0" + 18) = 26: 0x1a
        assertEquals("540000001a" + "0001" + "7800" + "00000000" + "0000" + "00000019" + "ffff" + "ffffffff" + "0000",
                ByteBufUtil.hexDump(b, 0, 27));
        // 'D' len(4+2+4+1+4)=15 : 0x0f, 2 columns, "1", NULL
        assertEquals("440000000f" + "0002" + "00000001" + "31" + "ffffffff", ByteBufUtil.hexDump(b, 27, 16));
        assertEquals("430000000953484f5700", ByteBufUtil.hexDump(b, 43, 10));
        b.release();
    }
}
