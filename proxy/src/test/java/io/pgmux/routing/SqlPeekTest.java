package io.pgmux.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.pgmux.routing.SqlPeek.RESET;
import static io.pgmux.routing.SqlPeek.SESSION_STATE;
import static io.pgmux.routing.SqlPeek.STATEMENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlPeekTest {

    private static int peek(String sql) {
        ByteBuf b = Unpooled.buffer().writeBytes(("xx" + sql + "\0").getBytes(StandardCharsets.UTF_8));
        try {
            return SqlPeek.peek(b, 2, b.writerIndex());
        } finally {
            b.release();
        }
    }

    @Test
    void plainStatementsNeedNoReading() {
        assertEquals(0, peek("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;"));
        assertEquals(0, peek("UPDATE t SET x = 1 WHERE id = 2"));
        assertEquals(0, peek("insert into t values (1); "));
    }

    @Test
    void leadingWords() {
        assertEquals(SESSION_STATE, peek("  SET work_mem = 1"));
        assertEquals(SESSION_STATE, peek("/* app */ -- note\n listen x"));
        assertEquals(SESSION_STATE | RESET, peek("RESET TimeZone"));
        assertEquals(SESSION_STATE | RESET | STATEMENTS, peek("discard all"));
        assertEquals(SESSION_STATE | STATEMENTS, peek("DEALLOCATE s_1"));
        assertEquals(SESSION_STATE | RESET, peek("SET TimeZone TO DEFAULT"));
    }

    @Test
    void wordsAnywhereAndBatches() {
        assertEquals(SESSION_STATE, peek("SELECT pg_advisory_lock(1)"));
        assertEquals(SESSION_STATE, peek("select set_config('a','b',false)"));
        assertEquals(SESSION_STATE, peek("SELECT * FROM temperatures"), "a false positive is allowed");
        assertEquals(SESSION_STATE | RESET | STATEMENTS, peek("SELECT 1; DISCARD ALL"));
        assertEquals(0, peek("SELECT 1;  ;"));
    }
}
