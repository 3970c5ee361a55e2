package io.pgmux.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadOnlyClassifierTest {
    private final ReadOnlyClassifier c = new ReadOnlyClassifier(List.of("my_volatile_fn"));

    @Test
    void readOnlyTransactions() {
        assertTrue(c.startsReadOnlyTransaction("BEGIN READ ONLY"));
        assertTrue(c.startsReadOnlyTransaction("begin transaction isolation level repeatable read, read only"));
        assertTrue(c.startsReadOnlyTransaction("START TRANSACTION READ ONLY"));
        assertTrue(c.startsReadOnlyTransaction("BEGIN; SET TRANSACTION READ ONLY; SELECT 1"));
        assertFalse(c.startsReadOnlyTransaction("BEGIN"));
        assertFalse(c.startsReadOnlyTransaction("BEGIN READ WRITE"));
        assertFalse(c.startsReadOnlyTransaction("BEGIN; SELECT 'read only'"));
        assertFalse(c.startsReadOnlyTransaction("SELECT 1"));
        assertTrue(c.setsTransactionReadOnly("SET TRANSACTION READ ONLY"));
        assertFalse(c.setsTransactionReadOnly("SET TRANSACTION READ WRITE"));
    }

    @Test
    void serializableNeverGoesToAStandby() {
        assertFalse(c.startsReadOnlyTransaction("BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"));
        assertFalse(c.startsReadOnlyTransaction("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE"));
        assertFalse(c.startsReadOnlyTransaction("BEGIN; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE READ ONLY"));
        assertFalse(c.setsTransactionReadOnly("SET TRANSACTION READ ONLY, ISOLATION LEVEL SERIALIZABLE"));
        assertTrue(c.startsReadOnlyTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY DEFERRABLE"));
        assertTrue(c.setsTransactionReadOnly("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
    }

    @Test
    void harmlessSelects() {
        assertTrue(c.isHarmlessSelect("SELECT * FROM t WHERE id = $1"));
        assertTrue(c.isHarmlessSelect("select count(*) from t;"));
        assertTrue(c.isHarmlessSelect("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertTrue(c.isHarmlessSelect("(SELECT 1) UNION (SELECT 2)"));
        assertTrue(c.isHarmlessSelect("SELECT 'nextval(x)', \"update\" FROM t"), "strings and quoted names are not calls");
        assertTrue(c.isHarmlessSelect("VALUES (1), (2)"));
    }

    @Test
    void selectsThatMustGoToThePrimary() {
        assertFalse(c.isHarmlessSelect("SELECT * FROM t FOR UPDATE"));
        assertFalse(c.isHarmlessSelect("SELECT * FROM t FOR NO KEY UPDATE"));
        assertFalse(c.isHarmlessSelect("SELECT * FROM t FOR SHARE SKIP LOCKED"));
        assertFalse(c.isHarmlessSelect("SELECT nextval('s')"));
        assertFalse(c.isHarmlessSelect("SELECT pg_advisory_lock(1)"));
        assertFalse(c.isHarmlessSelect("SELECT my_volatile_fn(1)"), "configured deny list");
        assertFalse(c.isHarmlessSelect("SELECT * INTO copy FROM t"));
        assertFalse(c.isHarmlessSelect("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
        assertFalse(c.isHarmlessSelect("SELECT 1; DELETE FROM t"));
        assertFalse(c.isHarmlessSelect("SELECT 1; SELECT 2"), "batches go to the primary");
        assertFalse(c.isHarmlessSelect("UPDATE t SET x = 1"));
        assertFalse(c.isHarmlessSelect("SELECT set_config('a', 'b', false)"));
        assertFalse(c.isHarmlessSelect(""));
        assertFalse(c.isHarmlessSelect("SELECT pg_catalog.nextval('s')"), "schema-qualified");
        assertFalse(c.isHarmlessSelect("SELECT NEXTVAL ('s')"), "any case, space before the parenthesis");
        assertFalse(c.isHarmlessSelect("SELECT \"nextval\"('s')"), "quoted function name");
        assertFalse(c.isHarmlessSelect("SELECT pg_try_advisory_xact_lock(1)"));
        assertFalse(c.isHarmlessSelect("SELECT * FROM t FOR KEY SHARE"));
        assertFalse(c.isHarmlessSelect("TABLE t; TRUNCATE t"));
        assertFalse(c.isHarmlessSelect("WITH u AS (UPDATE t SET x = 1 RETURNING x) SELECT * FROM u"));
        assertFalse(c.isHarmlessSelect("SHOW search_path"), "only SELECT, WITH, VALUES and TABLE are considered");
    }

    @Test
    void quotingAndCommentsDoNotFoolIt() {
        assertTrue(c.isHarmlessSelect("/* nextval('s') */ SELECT 1 -- for update\n"));
        assertTrue(c.isHarmlessSelect("SELECT $$; DELETE FROM t$$, E'\\'; insert', $tag$ into $tag$"));
        assertTrue(c.isHarmlessSelect("SELECT x::text FROM t WHERE y = 'for update'"));
        assertTrue(c.isHarmlessSelect("SELECT 1;;  "), "empty statements after it are nothing");
        assertTrue(c.isHarmlessSelect("SELECT substring('abc' from 1 for 2)"), "FOR without a lock word");
        assertTrue(c.isHarmlessSelect("SELECT \"NEXTVAL\"(1)"), "a quoted name keeps its case: another function");
    }

    @Test
    void beginHeldBackUntilTheNextStatement() {
        assertTrue(c.isOpenBegin("BEGIN"));
        assertTrue(c.isOpenBegin("begin;"));
        assertTrue(c.isOpenBegin("START TRANSACTION"));
        assertFalse(c.isOpenBegin("START TRANSACTION ISOLATION LEVEL READ COMMITTED"), "modes: the server checks them");
        assertFalse(c.isOpenBegin("BEGIN ISOLATION LEVEL SERIALIZABLE"));
        assertTrue(c.isOpenBegin("BEGIN WORK"));
        assertFalse(c.isOpenBegin("BEGIN READ ONLY"));
        assertFalse(c.isOpenBegin("BEGIN READ WRITE"));
        assertFalse(c.isOpenBegin("BEGIN; SELECT 1"), "not alone");
        assertFalse(c.isOpenBegin("SELECT 1"));
        assertEquals("COMMIT", c.endsTransaction("COMMIT"));
        assertEquals("COMMIT", c.endsTransaction("end transaction;"));
        assertEquals("ROLLBACK", c.endsTransaction("ROLLBACK WORK"));
        assertEquals("ROLLBACK", c.endsTransaction("abort"));
        assertNull(c.endsTransaction("COMMIT AND CHAIN"));
        assertNull(c.endsTransaction("ROLLBACK TO SAVEPOINT a"));
        assertNull(c.endsTransaction("COMMIT PREPARED 'x'"));
        assertNull(c.endsTransaction("COMMIT; SELECT 1"));
    }
}
