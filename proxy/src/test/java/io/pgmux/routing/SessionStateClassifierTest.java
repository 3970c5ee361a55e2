package io.pgmux.routing;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionStateClassifierTest {
    private final SessionStateClassifier c = new SessionStateClassifier(
            List.of("client_encoding", "DateStyle", "TimeZone", "IntervalStyle", "standard_conforming_strings",
                    "application_name"));

    private Set<PinReason> adds(String sql) {
        return c.classify(sql).adds();
    }

    private Set<PinReason> clears(String sql) {
        return c.classify(sql).clears();
    }

    @Test
    void untrackedSetPins() {
        assertEquals(EnumSet.of(PinReason.SET), adds("SET work_mem = '64MB'"));
        assertEquals(EnumSet.of(PinReason.SET), adds("set session search_path to foo"));
        assertEquals(EnumSet.of(PinReason.SET), adds("SET myapp.tenant = 42"));
        assertEquals(EnumSet.of(PinReason.SET), adds("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
        assertEquals(EnumSet.of(PinReason.SET), adds("SET ROLE admin"));
        assertEquals("SET work_mem", c.classify("SET work_mem = '64MB'").statement());
        assertEquals("SELECT pg_advisory_lock", c.classify("SELECT pg_advisory_lock(1)").statement());
        assertEquals("CREATE TEMP TABLE t", c.classify("CREATE TEMP TABLE t (id int)").statement());
        assertEquals("LISTEN jobs", c.classify("LISTEN jobs").statement());
    }

    @Test
    void trackedAndTransactionScopedSetsDoNot() {
        assertTrue(c.classify("SET TimeZone = 'UTC'").isNone());
        assertTrue(c.classify("SET TIME ZONE 'UTC'").isNone());
        assertTrue(c.classify("set application_name = 'x'").isNone());
        assertTrue(c.classify("SET NAMES 'UTF8'").isNone());
        assertTrue(c.classify("SET LOCAL work_mem = '1MB'").isNone());
        assertTrue(c.classify("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").isNone());
        assertTrue(c.classify("SELECT set_config('work_mem', '1MB', true)").isNone());
        assertTrue(c.classify("SELECT set_config('TimeZone', 'UTC', false)").isNone());
    }

    @Test
    void setConfigOutsideTheTransactionPins() {
        assertEquals(EnumSet.of(PinReason.SET), adds("SELECT set_config('search_path', '', false)"));
        assertEquals(EnumSet.of(PinReason.SET), adds("select pg_catalog.set_config($1, $2, $3)"));
    }

    @Test
    void otherSessionState() {
        assertEquals(EnumSet.of(PinReason.LISTEN), adds("LISTEN jobs"));
        assertEquals(EnumSet.of(PinReason.ADVISORY_LOCK), adds("SELECT pg_advisory_lock(42)"));
        assertEquals(EnumSet.of(PinReason.ADVISORY_LOCK), adds("select pg_try_advisory_lock_shared(1, 2)"));
        assertEquals(EnumSet.of(PinReason.TEMP_TABLE), adds("CREATE TEMP TABLE t (id int)"));
        assertEquals(EnumSet.of(PinReason.TEMP_TABLE), adds("create global temporary table t (id int)"));
        assertEquals(EnumSet.of(PinReason.TEMP_TABLE), adds("SELECT * INTO TEMP t FROM x"));
        assertEquals(EnumSet.of(PinReason.HOLD_CURSOR), adds("DECLARE c CURSOR WITH HOLD FOR SELECT 1"));
        assertEquals(EnumSet.of(PinReason.PREPARE), adds("PREPARE q AS SELECT 1"));
    }

    @Test
    void transactionScopedThingsDoNot() {
        assertTrue(c.classify("SELECT pg_advisory_xact_lock(42)").isNone());
        assertTrue(c.classify("DECLARE c CURSOR FOR SELECT 1").isNone());
        assertTrue(c.classify("PREPARE TRANSACTION 'x'").isNone());
        assertTrue(c.classify("UPDATE t SET x = 1 WHERE id = 2").isNone());
        assertTrue(c.classify("SELECT 'SET work_mem = 1; LISTEN x'").isNone(), "inside a string");
        assertTrue(c.classify("SELECT 1 -- LISTEN x\n").isNone(), "inside a comment");
        assertTrue(c.classify("SELECT * FROM temperatures").isNone());
    }

    @Test
    void clearing() {
        assertEquals(EnumSet.of(PinReason.LISTEN), clears("UNLISTEN *"));
        assertTrue(c.classify("UNLISTEN jobs").isNone(), "one channel: others may remain");
        assertEquals(EnumSet.of(PinReason.ADVISORY_LOCK), clears("SELECT pg_advisory_unlock_all()"));
        assertEquals(EnumSet.allOf(PinReason.class), clears("DISCARD ALL"));
        assertEquals(EnumSet.of(PinReason.TEMP_TABLE), clears("discard temp"));
        assertEquals(EnumSet.of(PinReason.PREPARE), clears("DEALLOCATE ALL"));
        assertEquals(EnumSet.of(PinReason.HOLD_CURSOR), clears("CLOSE ALL"));
        assertEquals(EnumSet.of(PinReason.SET), clears("RESET ALL"));
    }

    @Test
    void everyStatementOfAMultiStatementQueryCounts() {
        assertEquals(EnumSet.of(PinReason.LISTEN), adds("SELECT 1; LISTEN x"));
        assertEquals(EnumSet.of(PinReason.SET, PinReason.LISTEN), adds("SET work_mem = 1; SELECT 2; LISTEN y"));
    }

    @Test
    void cheapPrecheckLetsPlainStatementsThrough() {
        assertFalse(SessionStateClassifier.mightMatter("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;"));
        assertFalse(SessionStateClassifier.mightMatter("INSERT INTO t VALUES (1)"));
        assertTrue(SessionStateClassifier.mightMatter("/* app=x */ SET work_mem = 1"));
        assertTrue(SessionStateClassifier.mightMatter("select 1; listen x"));
    }
}
