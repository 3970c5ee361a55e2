package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.List;

/**
 * The top-level clauses of one SELECT statement, found among its tokens. Refuses (with a
 * {@link MergeException}) every shape whose per-shard results do not merge: other statements,
 * several statements, WITH, subqueries, set operations, GROUP BY, HAVING, WINDOW, window and
 * ordered-set aggregates, SELECT INTO, row locks, a SELECT without FROM.
 *
 * @param selectList the select list (after SELECT and ALL; DISTINCT is refused)
 * @param orderBy    the ORDER BY items' tokens, empty if none
 * @param limit      the LIMIT/OFFSET/FETCH tokens, empty if none
 * @param limitStart where the LIMIT/OFFSET/FETCH section starts in the source, -1 if none
 */
record ScatterClauses(List<ScatterToken> selectList, List<ScatterToken> orderBy, List<ScatterToken> limit,
                      int limitStart) {

    static ScatterClauses of(List<ScatterToken> all) {
        List<ScatterToken> tokens = withoutTrailingSemicolons(all);
        if (tokens.isEmpty()) {
            throw new MergeException("no statement to scatter");
        }
        ScatterToken first = tokens.get(0);
        if (first.isWord("with")) {
            throw new MergeException("cannot merge WITH queries across shards");
        }
        if (!first.isWord("select")) {
            throw new MergeException("only a plain SELECT can run on all shards");
        }
        refuseAnywhere(tokens);
        int selectEnd = tokens.size();
        int from = -1;
        int order = -1;
        int limit = -1;
        for (int i = 1; i < tokens.size(); i++) {
            ScatterToken t = tokens.get(i);
            if (t.depth() != 0 || t.kind() != Kind.WORD) {
                continue;
            }
            String clause = clauseAt(tokens, i);
            if (clause == null) {
                continue;
            }
            selectEnd = Math.min(selectEnd, i);
            switch (clause) {
                case "from" -> from = from < 0 ? i : from;
                case "order" -> order = i;
                case "limit" -> limit = limit < 0 ? i : limit;
                default -> {
                    // WHERE: nothing to merge
                }
            }
        }
        if (from < 0) {
            throw new MergeException("a SELECT without FROM reads no sharded table; run it on one shard");
        }
        if (limit >= 0 && order > limit) {
            throw new MergeException("cannot merge ORDER BY after LIMIT across shards");
        }
        List<ScatterToken> select = tokens.subList(1, selectEnd);
        if (!select.isEmpty() && select.get(0).isWord("distinct")) {
            throw new MergeException("cannot merge SELECT DISTINCT across shards");
        }
        if (!select.isEmpty() && select.get(0).isWord("all")) {
            select = select.subList(1, select.size());
        }
        int limitIndex = limit < 0 ? tokens.size() : limit;
        List<ScatterToken> orderBy = order < 0 ? List.of() : tokens.subList(order + 2, limitIndex);
        if (order >= 0 && orderBy.isEmpty()) {
            throw new MergeException("ORDER BY without items");
        }
        List<ScatterToken> limitTokens = tokens.subList(limitIndex, tokens.size());
        return new ScatterClauses(select, orderBy, limitTokens, limit < 0 ? -1 : tokens.get(limit).start());
    }

    /**
     * The clause a depth-0 word starts, or null: "from", "where", "order" or "limit" (also for
     * OFFSET and FETCH); refuses the clauses that cannot be merged.
     */
    private static String clauseAt(List<ScatterToken> tokens, int i) {
        ScatterToken t = tokens.get(i);
        boolean by = i + 1 < tokens.size() && tokens.get(i + 1).isWord("by");
        return switch (t.text()) {
            // "a IS DISTINCT FROM b" is an expression, not the FROM clause
            case "from" -> tokens.get(i - 1).isWord("distinct") ? null : "from";
            case "where" -> "where";
            case "group" -> {
                if (by) {
                    throw new MergeException("cannot merge GROUP BY across shards");
                }
                yield null;
            }
            case "order" -> by ? "order" : null;
            case "limit", "offset", "fetch" -> "limit";
            case "having" -> throw new MergeException("cannot merge HAVING across shards");
            case "window" -> throw new MergeException("cannot merge window functions across shards");
            case "for" -> throw new MergeException("cannot run SELECT ... FOR UPDATE/SHARE on all shards");
            case "into" -> throw new MergeException("cannot run SELECT INTO on all shards");
            default -> null;
        };
    }

    /** Words that make the statement unmergeable wherever they appear. */
    private static void refuseAnywhere(List<ScatterToken> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            ScatterToken t = tokens.get(i);
            switch (t.kind()) {
                case SEMICOLON -> throw new MergeException("cannot scatter multiple statements");
                case WORD -> {
                    switch (t.text()) {
                        case "union", "intersect", "except" -> throw new MergeException(
                                "cannot merge set operations (UNION/INTERSECT/EXCEPT) across shards");
                        case "select", "values", "table", "lateral" -> throw new MergeException(
                                "cannot merge subqueries across shards: each shard would see only its own rows");
                        case "over" -> throw new MergeException("cannot merge window functions across shards");
                        case "within" -> throw new MergeException(
                                "cannot merge ordered-set aggregates (WITHIN GROUP) across shards");
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
        }
    }

    private static List<ScatterToken> withoutTrailingSemicolons(List<ScatterToken> tokens) {
        int end = tokens.size();
        while (end > 0 && tokens.get(end - 1).kind() == Kind.SEMICOLON) {
            end--;
        }
        return tokens.subList(0, end);
    }
}
