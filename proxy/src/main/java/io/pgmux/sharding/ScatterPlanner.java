package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides how a read-only SELECT sent to every shard merges (see {@link ScatterPlan}). Reads the
 * SQL with the {@link io.pgmux.routing.SqlLexer}, not a parser, so it is deliberately
 * conservative: whatever shape it does not recognise as mergeable is {@link ScatterPlan.Unmergeable}.
 *
 * <p>It cannot know what the tables are: the router decides that the statement reads sharded
 * tables only (not reference tables copied to every shard, not joins of rows on different shards)
 * and that it calls no user-defined aggregate.
 */
public final class ScatterPlanner {
    private ScatterPlanner() {
    }

    /** The plan for one SELECT statement. */
    public static ScatterPlan plan(String sql) {
        try {
            return planOrRefuse(sql);
        } catch (MergeException e) {
            return new ScatterPlan.Unmergeable(e.getMessage());
        }
    }

    private static ScatterPlan planOrRefuse(String sql) {
        ScatterClauses clauses = ScatterClauses.of(ScatterToken.tokenize(sql));
        List<ScatterSelectItem> items = new ArrayList<>();
        for (List<ScatterToken> item : ScatterToken.splitAtCommas(clauses.selectList(), 0)) {
            if (!clauses.selectList().isEmpty()) {
                items.add(ScatterSelectItem.of(item));
            }
        }
        MergeLimit limit = ScatterLimits.parse(clauses.limit());
        String shardSql = shardSql(sql, clauses, limit);
        boolean sorts = !clauses.orderBy().isEmpty();
        long aggregates = items.stream().filter(ScatterSelectItem::callsAggregate).count();
        if (aggregates == 0) {
            if (sorts || !limit.isNone()) {
                refuseCollate(sql);
            }
            return sorts
                    ? new ScatterPlan.Sorted(shardSql, sortKeys(sql, clauses.orderBy(), items), limit)
                    : new ScatterPlan.Concat(shardSql, limit);
        }
        if (aggregates < items.size()) {
            throw new MergeException("cannot merge aggregates mixed with plain columns across shards");
        }
        List<MergeAggregate> functions = new ArrayList<>();
        for (ScatterSelectItem item : items) {
            if (item.aggregate() == null) {
                throw new MergeException("cannot merge an expression over aggregates across shards: "
                        + ScatterToken.source(sql, item.expression()) + "; select the aggregates themselves");
            }
            functions.add(item.aggregate());
        }
        if (sorts || !limit.isNone()) {
            throw new MergeException("cannot merge ORDER BY, LIMIT or OFFSET on aggregates across shards");
        }
        refuseCollate(sql);
        return new ScatterPlan.Aggregate(sql, functions);
    }

    /**
     * The merger compares text by code point; an explicit COLLATE could ask the shards for
     * another order (or min/max under another collation).
     */
    private static void refuseCollate(String sql) {
        for (ScatterToken t : ScatterToken.tokenize(sql)) {
            if (t.isWord("collate")) {
                throw new MergeException("cannot merge COLLATE across shards");
            }
        }
    }

    /**
     * The client's SQL, or with its LIMIT/OFFSET section (always last: row locks are refused)
     * replaced by {@code LIMIT offset+count} so that every shard returns every row the merged
     * window may need.
     */
    private static String shardSql(String sql, ScatterClauses clauses, MergeLimit limit) {
        if (clauses.limitStart() < 0) {
            return sql;
        }
        String head = sql.substring(0, clauses.limitStart()).stripTrailing();
        long perShard = limit.perShard();
        if (perShard == MergeLimit.ALL) {
            return head;
        }
        if (limit.count() > Long.MAX_VALUE - limit.offset()) {
            throw new MergeException("LIMIT plus OFFSET is out of range");
        }
        return head + " LIMIT " + perShard;
    }

    private static List<MergeSortKey> sortKeys(String sql, List<ScatterToken> orderBy, List<ScatterSelectItem> items) {
        boolean star = items.stream().anyMatch(ScatterSelectItem::star);
        List<MergeSortKey> keys = new ArrayList<>();
        for (List<ScatterToken> item : ScatterToken.splitAtCommas(orderBy, 0)) {
            keys.add(sortKey(sql, item, items, star));
        }
        return keys;
    }

    private static MergeSortKey sortKey(String sql, List<ScatterToken> item, List<ScatterSelectItem> items, boolean star) {
        int end = item.size();
        Boolean nullsFirst = null;
        if (end >= 2 && item.get(end - 2).isWord("nulls")) {
            nullsFirst = item.get(end - 1).isWord("first");
            if (!nullsFirst && !item.get(end - 1).isWord("last")) {
                throw new MergeException("cannot merge ORDER BY ... NULLS " + item.get(end - 1).text());
            }
            end -= 2;
        }
        boolean descending = false;
        if (end >= 1 && (item.get(end - 1).isWord("desc") || item.get(end - 1).isWord("asc"))) {
            descending = item.get(end - 1).isWord("desc");
            end--;
        }
        List<ScatterToken> expression = item.subList(0, end);
        for (ScatterToken t : expression) {
            if (t.isWord("using")) {
                throw new MergeException("cannot merge ORDER BY ... USING across shards");
            }
        }
        MergeSortKey.Column column = column(sql, expression, items, star);
        return new MergeSortKey(column, descending, nullsFirst == null ? descending : nullsFirst);
    }

    private static MergeSortKey.Column column(String sql, List<ScatterToken> expression, List<ScatterSelectItem> items,
                                              boolean star) {
        if (expression.isEmpty()) {
            throw new MergeException("ORDER BY item without an expression");
        }
        ScatterToken first = expression.get(0);
        if (expression.size() == 1 && first.kind() == Kind.NUMBER) {
            if (!first.text().chars().allMatch(Character::isDigit) || first.text().length() > 9) {
                throw new MergeException("cannot merge ORDER BY " + first.text() + " across shards");
            }
            return new MergeSortKey.Position(Integer.parseInt(first.text()));
        }
        // positions of select-list items are output positions only when no * expands among them
        int matching = 0;
        if (!star) {
            for (int i = 0; i < items.size() && matching == 0; i++) {
                if (ScatterToken.sameTokens(items.get(i).expression(), expression)) {
                    matching = i + 1;
                }
            }
        }
        if (expression.size() == 1 && first.isIdentifier()) {
            return new MergeSortKey.Named(first.text(), matching);
        }
        if (matching == 0) {
            throw new MergeException("cannot merge ORDER BY " + ScatterToken.source(sql, expression)
                    + " across shards: it is not an output column; add it to the select list");
        }
        return new MergeSortKey.Position(matching);
    }
}
