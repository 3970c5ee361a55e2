package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.List;
import java.util.Set;

/**
 * One select-list item as the planner needs it.
 *
 * @param expression the item without an alias it could recognise safely
 * @param star       {@code *} or {@code x.*}: expands to columns unknown until the RowDescription
 * @param aggregate  the mergeable aggregate the whole item is, or null
 * @param callsAggregate whether an aggregate is called anywhere in the item
 */
record ScatterSelectItem(List<ScatterToken> expression, boolean star, MergeAggregate aggregate,
                         boolean callsAggregate) {

    /**
     * PostgreSQL's built-in aggregates. A user-defined aggregate cannot be told from a function by
     * the SQL text alone: such a query would be concatenated. The router must not scatter queries
     * calling user-defined aggregates.
     */
    private static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg", "array_agg",
            "string_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "bit_xor", "json_agg",
            "jsonb_agg", "json_object_agg", "jsonb_object_agg", "json_objectagg", "json_arrayagg", "xmlagg",
            "range_agg", "range_intersect_agg", "any_value", "stddev", "stddev_pop", "stddev_samp", "variance",
            "var_pop", "var_samp", "corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count",
            "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "mode",
            "percentile_cont", "percentile_disc", "rank", "dense_rank", "percent_rank", "cume_dist",
            "grouping");

    static ScatterSelectItem of(List<ScatterToken> item) {
        if (item.isEmpty()) {
            throw new MergeException("empty item in the select list");
        }
        ScatterToken last = item.get(item.size() - 1);
        boolean star = last.kind() == Kind.OPERATOR && last.text().equals("*")
                && (item.size() == 1 || item.get(item.size() - 2).kind() == Kind.DOT);
        String called = calledAggregate(item);
        if (called == null) {
            return new ScatterSelectItem(withoutAlias(item), star, null, false);
        }
        MergeAggregate aggregate = MergeAggregate.named(called);
        if (aggregate == null) {
            throw new MergeException(called.equals("avg")
                    ? "cannot merge avg() across shards; use sum() and count()"
                    : "cannot merge " + called + "() across shards");
        }
        return new ScatterSelectItem(item, false, wholeCall(item, aggregate), true);
    }

    /**
     * The first built-in aggregate called in the item, or null; also when quoted ({@code "count"(*)})
     * or schema-qualified ({@code pg_catalog.count(*)}, which is then not a whole plain call).
     */
    private static String calledAggregate(List<ScatterToken> item) {
        for (int i = 0; i + 1 < item.size(); i++) {
            ScatterToken t = item.get(i);
            if (t.isIdentifier() && AGGREGATES.contains(t.text()) && item.get(i + 1).kind() == Kind.LPAREN) {
                return t.text();
            }
        }
        return null;
    }

    /**
     * The aggregate if the item is exactly {@code f([ALL] args) [FILTER (WHERE ...)] [[AS] alias]};
     * throws if the call has DISTINCT or ORDER BY inside; null if the item is an expression over it.
     */
    private static MergeAggregate wholeCall(List<ScatterToken> item, MergeAggregate aggregate) {
        if (!item.get(0).isIdentifier() || !item.get(0).text().equals(aggregate.sqlName())) {
            return null;
        }
        int close = closingParen(item, 1);
        List<ScatterToken> args = item.subList(2, close);
        if (!args.isEmpty() && args.get(0).isWord("distinct")) {
            throw new MergeException("cannot merge " + aggregate.sqlName() + "(DISTINCT ...) across shards");
        }
        for (ScatterToken t : args) {
            if (t.depth() == 1 && t.isWord("order")) {
                throw new MergeException("cannot merge " + aggregate.sqlName() + "(... ORDER BY ...) across shards");
            }
        }
        if (args.isEmpty()) {
            return null;
        }
        int rest = close + 1;
        if (rest + 1 < item.size() && item.get(rest).isWord("filter") && item.get(rest + 1).kind() == Kind.LPAREN) {
            rest = closingParen(item, rest + 1) + 1;
        }
        return isAlias(item.subList(rest, item.size())) ? aggregate : null;
    }

    private static int closingParen(List<ScatterToken> item, int open) {
        int depth = item.get(open).depth();
        for (int i = open + 1; i < item.size(); i++) {
            if (item.get(i).kind() == Kind.RPAREN && item.get(i).depth() == depth) {
                return i;
            }
        }
        throw new MergeException("unbalanced parentheses in the select list");
    }

    /**
     * Whether {@code tail} is nothing, {@code AS name} or a bare name. A bare ISNULL or NOTNULL
     * ends an expression rather than naming it.
     */
    private static boolean isAlias(List<ScatterToken> tail) {
        if (tail.size() == 2 && tail.get(0).isWord("as")) {
            return tail.get(1).isIdentifier();
        }
        return tail.isEmpty() || tail.size() == 1 && tail.get(0).isIdentifier()
                && !tail.get(0).isWord("isnull") && !tail.get(0).isWord("notnull");
    }

    /**
     * The item without {@code AS alias}, or without a bare alias after a plain column reference
     * ({@code t.a x}); other items are kept whole, which only makes ORDER BY matching miss.
     */
    private static List<ScatterToken> withoutAlias(List<ScatterToken> item) {
        int n = item.size();
        if (n >= 3 && item.get(n - 2).isWord("as") && item.get(n - 1).isIdentifier()) {
            return item.subList(0, n - 2);
        }
        if (n >= 2 && isAlias(item.subList(n - 1, n)) && isColumnReference(item.subList(0, n - 1))) {
            return item.subList(0, n - 1);
        }
        return item;
    }

    /** {@code a}, {@code t.a} or {@code s.t.a}. */
    static boolean isColumnReference(List<ScatterToken> tokens) {
        if (tokens.size() % 2 == 0) {
            return false;
        }
        for (int i = 0; i < tokens.size(); i++) {
            boolean ok = i % 2 == 0 ? tokens.get(i).isIdentifier() : tokens.get(i).kind() == Kind.DOT;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
