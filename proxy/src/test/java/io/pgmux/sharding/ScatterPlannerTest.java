package io.pgmux.sharding;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScatterPlannerTest {

    private static <T extends ScatterPlan> T plan(String sql, Class<T> kind) {
        ScatterPlan plan = ScatterPlanner.plan(sql);
        return assertInstanceOf(kind, plan, () -> sql + " -> " + plan);
    }

    private static void refused(String sql, String reasonPart) {
        ScatterPlan.Unmergeable u = plan(sql, ScatterPlan.Unmergeable.class);
        assertTrue(u.reason().contains(reasonPart), () -> sql + " -> " + u.reason());
    }

    @Test
    void plainSelectsConcatenate() {
        ScatterPlan.Concat c = plan("SELECT id, name FROM t WHERE x > 5;", ScatterPlan.Concat.class);
        assertEquals("SELECT id, name FROM t WHERE x > 5;", c.shardSql());
        assertEquals(MergeLimit.NONE, c.limit());
        plan("SELECT * FROM t", ScatterPlan.Concat.class);
        plan("select all a, b is distinct from c from t", ScatterPlan.Concat.class);
        plan("SELECT substring(name from 1 for 2), extract(year from d) FROM t", ScatterPlan.Concat.class);
        plan("SELECT 'select count(*) group by', \"order\" FROM t -- union\n", ScatterPlan.Concat.class);
        plan("SELECT a FROM t WHERE b COLLATE \"C\" > 'x'", ScatterPlan.Concat.class);
    }

    @Test
    void limitWithoutOrderTakesAnyRows() {
        ScatterPlan.Concat c = plan("SELECT a FROM t LIMIT 10 OFFSET 5", ScatterPlan.Concat.class);
        assertEquals(new MergeLimit(5, 10), c.limit());
        assertEquals("SELECT a FROM t LIMIT 15", c.shardSql());
    }

    @Test
    void orderByPositionsNamesAndSelectedExpressions() {
        ScatterPlan.Sorted s = plan("SELECT a, b AS x, t.c, d + 1 FROM t ORDER BY 2 DESC, a, x ASC NULLS FIRST,"
                + " t.c DESC NULLS LAST, d + 1, \"Q\"", ScatterPlan.Sorted.class);
        assertEquals(List.of(
                new MergeSortKey(new MergeSortKey.Position(2), true, true),
                new MergeSortKey(new MergeSortKey.Named("a", 1), false, false),
                new MergeSortKey(new MergeSortKey.Named("x", 0), false, true),
                new MergeSortKey(new MergeSortKey.Position(3), true, false),
                new MergeSortKey(new MergeSortKey.Position(4), false, false),
                new MergeSortKey(new MergeSortKey.Named("Q", 0), false, false)), s.keys());
        assertEquals(MergeLimit.NONE, s.limit());
    }

    @Test
    void bareNameFallsBackToTheSelectedInputColumn() {
        ScatterPlan.Sorted s = plan("SELECT b AS a, a AS x FROM t ORDER BY a", ScatterPlan.Sorted.class);
        // the output name "a" wins at merge time; "x" (item 2, the input column a) is the fallback
        assertEquals(new MergeSortKey.Named("a", 2), s.keys().get(0).column());
    }

    @Test
    void limitAndOffsetAreRewrittenForTheShards() {
        ScatterPlan.Sorted s = plan("SELECT a FROM t ORDER BY a LIMIT 10 OFFSET 20;", ScatterPlan.Sorted.class);
        assertEquals(new MergeLimit(20, 10), s.limit());
        assertEquals("SELECT a FROM t ORDER BY a LIMIT 30", s.shardSql());
        s = plan("SELECT a FROM t ORDER BY a OFFSET 3 ROWS FETCH NEXT 4 ROWS ONLY", ScatterPlan.Sorted.class);
        assertEquals(new MergeLimit(3, 4), s.limit());
        assertEquals("SELECT a FROM t ORDER BY a LIMIT 7", s.shardSql());
        s = plan("SELECT a FROM t ORDER BY a FETCH FIRST ROW ONLY", ScatterPlan.Sorted.class);
        assertEquals(new MergeLimit(0, 1), s.limit());
        s = plan("SELECT a FROM t ORDER BY a OFFSET 5", ScatterPlan.Sorted.class);
        assertEquals(new MergeLimit(5, MergeLimit.ALL), s.limit());
        assertEquals("SELECT a FROM t ORDER BY a", s.shardSql());
        s = plan("SELECT a FROM t ORDER BY a LIMIT ALL", ScatterPlan.Sorted.class);
        assertEquals(MergeLimit.NONE, s.limit());
    }

    @Test
    void plainAggregatesCombine() {
        ScatterPlan.Aggregate a = plan("SELECT count(*), count(x) AS n, sum(y) s, min(z), max(w) FILTER (WHERE w > 0)"
                + " FROM t WHERE k = 1", ScatterPlan.Aggregate.class);
        assertEquals(List.of(MergeAggregate.COUNT, MergeAggregate.COUNT, MergeAggregate.SUM, MergeAggregate.MIN,
                MergeAggregate.MAX), a.functions());
        assertEquals("SELECT count(*), count(x) AS n, sum(y) s, min(z), max(w) FILTER (WHERE w > 0) FROM t WHERE k = 1",
                a.shardSql());
        plan("SELECT SUM(ALL x) FROM t", ScatterPlan.Aggregate.class);
        plan("SELECT \"count\"(*) FROM t", ScatterPlan.Aggregate.class);
    }

    @Test
    void unmergeableStatements() {
        refused("SELECT a, count(*) FROM t GROUP BY a", "cannot merge GROUP BY across shards");
        refused("SELECT count(*) FROM t HAVING count(*) > 1", "HAVING");
        refused("SELECT avg(x) FROM t", "cannot merge avg() across shards; use sum() and count()");
        refused("SELECT string_agg(x, ',') FROM t", "string_agg()");
        refused("SELECT DISTINCT a FROM t", "DISTINCT");
        refused("SELECT DISTINCT ON (a) a, b FROM t", "DISTINCT");
        refused("SELECT count(DISTINCT a) FROM t", "count(DISTINCT");
        refused("SELECT a, row_number() OVER (ORDER BY a) FROM t", "window functions");
        refused("SELECT a FROM t WINDOW w AS (ORDER BY a)", "window functions");
        refused("SELECT a FROM t ORDER BY a + b", "ORDER BY a + b");
        refused("SELECT a FROM t ORDER BY lower(a)", "not an output column");
        refused("SELECT * FROM t ORDER BY t.a", "not an output column");
        refused("SELECT a FROM t UNION SELECT a FROM u", "set operations");
        refused("SELECT a FROM t UNION ALL (SELECT a FROM u)", "set operations");
        refused("SELECT a FROM t EXCEPT TABLE u", "set operations");
        refused("SELECT a FROM t FOR UPDATE", "FOR UPDATE");
        refused("SELECT a FROM t FOR SHARE SKIP LOCKED", "FOR UPDATE");
        refused("SELECT a FROM t; SELECT b FROM t", "multiple statements");
        refused("SELECT a, count(*) FROM t", "mixed with plain columns");
        refused("SELECT count(*) + 1 FROM t", "expression over aggregates");
        refused("SELECT count(*) notnull FROM t", "expression over aggregates");
        refused("SELECT sum(x)::int FROM t", "expression over aggregates");
        refused("SELECT pg_catalog.count(*) FROM t", "expression over aggregates");
        refused("SELECT coalesce(max(x), 0) FROM t", "expression over aggregates");
        refused("SELECT a FROM t WHERE b IN (SELECT b FROM u)", "subqueries");
        refused("SELECT * FROM (SELECT count(*) FROM t) s", "subqueries");
        refused("WITH x AS (SELECT 1) SELECT * FROM x", "WITH");
        refused("UPDATE t SET a = 1", "only a plain SELECT");
        refused("(SELECT a FROM t)", "only a plain SELECT");
        refused("SELECT 1", "without FROM");
        refused("SELECT a INTO u FROM t", "SELECT INTO");
        refused("SELECT a FROM t ORDER BY a LIMIT $1", "LIMIT with a parameter ($1)");
        refused("SELECT a FROM t ORDER BY a OFFSET $2", "OFFSET with a parameter");
        refused("SELECT a FROM t ORDER BY a LIMIT 5 + 5", "LIMIT/OFFSET");
        refused("SELECT a FROM t ORDER BY a LIMIT 2.5", "integer literal");
        refused("SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS WITH TIES", "WITH TIES");
        refused("SELECT a FROM t ORDER BY a USING <", "USING");
        refused("SELECT a FROM t ORDER BY a COLLATE \"en_US\"", "COLLATE");
        refused("SELECT count(*) FROM t LIMIT 1", "aggregates");
        refused("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM t", "WITHIN GROUP");
        refused("SELECT a FROM t, LATERAL f(t.a)", "subqueries");
        refused("SELECT sum(a ORDER BY b) FROM t", "ORDER BY");
    }
}
