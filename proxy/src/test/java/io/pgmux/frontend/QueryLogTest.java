package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class QueryLogTest {

    @Test
    void passwordLiteralsAreMasked() {
        assertEquals("ALTER ROLE a PASSWORD '***'", QueryLog.mask("ALTER ROLE a PASSWORD 'x''y'"));
        assertEquals("create role b login password '***' valid until 'x'",
                QueryLog.mask("create role b login password 'secret' valid until 'x'"));
        assertEquals("ALTER USER c WITH ENCRYPTED PASSWORD '***'",
                QueryLog.mask("ALTER USER c WITH ENCRYPTED PASSWORD 'SCRAM-SHA-256$4096:abc'"));
        assertEquals("ALTER ROLE d PASSWORD '***';", QueryLog.mask("ALTER ROLE d PASSWORD E'a\\'b';"));
        assertEquals("ALTER ROLE e PASSWORD '***' LOGIN", QueryLog.mask("ALTER ROLE e PASSWORD $q$se'cret$q$ LOGIN"));
        assertEquals("ALTER ROLE f PASSWORD '***'", QueryLog.mask("ALTER ROLE f PASSWORD 'cut by the size lim"));
        assertEquals("SELECT * FROM t WHERE password = '***'", QueryLog.mask("SELECT * FROM t WHERE password = 'p'"));
        assertEquals("SELECT password_hash FROM t WHERE id = 'x'",
                QueryLog.mask("SELECT password_hash FROM t WHERE id = 'x'"), "other identifiers are untouched");
        assertEquals("ALTER ROLE g PASSWORD NULL", QueryLog.mask("ALTER ROLE g PASSWORD NULL"));
    }

    @Test
    void textStopsAtTheNulOrTheSizeLimit() {
        ByteBuf b = Unpooled.copiedBuffer("xSELECT 1\0rest", StandardCharsets.UTF_8);
        assertEquals("SELECT 1", QueryLog.text(b, 1, b.writerIndex()));
        ByteBuf big = Unpooled.buffer();
        big.writeCharSequence("a".repeat(QueryLog.MAX_BYTES + 100), StandardCharsets.UTF_8);
        big.writeByte(0);
        assertEquals(QueryLog.MAX_BYTES, QueryLog.text(big, 0, big.writerIndex()).length());
        b.release();
        big.release();
    }
}
