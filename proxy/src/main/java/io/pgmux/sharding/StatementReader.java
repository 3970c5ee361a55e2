package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the shard key of one statement: {@code WHERE key = value} or {@code key IN (values)} among
 * the top-level AND-ed conditions of a SELECT, UPDATE or DELETE, or the key column's values in
 * {@code INSERT INTO t (cols) VALUES (...), ...}. A value is a literal or a {@code $n} parameter,
 * with casts ({@code $1::bigint}, {@code '42'::int8}, {@code CAST($1 AS int)}, {@code int8 '42'}).
 * Anything it cannot prove (a key under OR or NOT, in a subquery, compared by another operator,
 * computed) yields no key: no answer is better than a wrong shard.
 */
final class StatementReader {
    private static final String[] SELECT_FROM_END = {"where", "group", "having", "window", "order", "limit", "offset",
            "fetch", "for", "union", "intersect", "except", "into"};
    private static final String[] WHERE_END = {"group", "having", "window", "order", "limit", "offset", "fetch", "for",
            "union", "intersect", "except", "returning"};
    private static final String[] SET_OPERATIONS = {"union", "intersect", "except", "into"};
    private static final String[] FROM = {"from"};
    private static final String[] WHERE = {"where"};
    private static final String[] SET = {"set"};
    private static final String[] WHERE_OR_RETURNING = {"where", "returning"};
    private static final String[] USING_WHERE_RETURNING = {"using", "where", "returning"};
    private static final String[] OR = {"or"};

    private final TokenList t;
    private final ShardKeyColumns columns;
    private final TableList tables;
    /** Where the value {@link #value} just read ends (exclusive). */
    private int valueEnd;

    StatementReader(TokenList t, ShardKeyColumns columns) {
        this.t = t;
        this.columns = columns;
        this.tables = new TableList(t, columns);
    }

    /** The keys of the statement in [from, to), or null when it has none that can be proven. */
    List<KeyRef> keys(int from, int to) {
        if (t.isWord(from, "select")) {
            return select(from, to);
        }
        if (t.isWord(from, "update")) {
            return update(from, to);
        }
        if (t.isWord(from, "delete") && t.isWord(from + 1, "from")) {
            return delete(from, to);
        }
        if (t.isWord(from, "insert") && t.isWord(from + 1, "into")) {
            return insert(from, to);
        }
        return null; // WITH, MERGE, COPY, DDL...: the caller's no-key rule
    }

    private List<KeyRef> select(int from, int to) {
        if (t.find(from, to, SET_OPERATIONS) < to) {
            return null; // each branch of a UNION has its own key; SELECT INTO writes a table
        }
        int fromWord = t.find(from, to, FROM);
        if (fromWord == to) {
            return null;
        }
        int listEnd = t.find(fromWord + 1, to, SELECT_FROM_END);
        tables.addItems(fromWord + 1, listEnd);
        return where(listEnd, to);
    }

    /**
     * {@code UPDATE [ONLY] t [[AS] a] SET ... [FROM ...] [WHERE ...]}; null when it assigns the key
     * column: the row would belong on another shard, which one server cannot do.
     */
    private List<KeyRef> update(int from, int to) {
        int set = t.find(from + 1, to, SET);
        tables.addItems(from + 1, set);
        int fromWord = t.find(set, to, FROM);
        for (int i = set + 1; i < Math.min(fromWord, t.find(set, to, WHERE)); i++) {
            if (t.is(i, Kind.LPAREN)) {
                i = t.closing(i);
                if (t.isOperator(i + 1, "=")) {
                    return null; // (a, b) = (...): may assign the key; not worth reading
                }
            } else if (keyColumn(i, to) == i + 1 && t.isOperator(i + 1, "=")) {
                return null;
            }
        }
        if (fromWord < to) {
            tables.addItems(fromWord + 1, t.find(fromWord, to, WHERE_OR_RETURNING));
        }
        return where(t.find(set, to, WHERE), to);
    }

    /** {@code DELETE FROM [ONLY] t [[AS] a] [USING ...] [WHERE ...]}. */
    private List<KeyRef> delete(int from, int to) {
        int targetEnd = t.find(from + 2, to, USING_WHERE_RETURNING);
        tables.addItems(from + 2, targetEnd);
        if (t.isWord(targetEnd, "using")) {
            tables.addItems(targetEnd + 1, t.find(targetEnd, to, WHERE_OR_RETURNING));
        }
        return where(t.find(from, to, WHERE), to);
    }

    /** The keys of the WHERE clause starting at {@code where} (a WHERE word, or to when there is none). */
    private List<KeyRef> where(int where, int to) {
        if (!t.isWord(where, "where")) {
            return null;
        }
        return conjunction(where + 1, t.find(where + 1, to, WHERE_END));
    }

    /**
     * Conditions AND-ed in [from, to): the keys of the one that narrows most (every row satisfies
     * all of them), or null when none gives keys or an OR joins them.
     */
    private List<KeyRef> conjunction(int from, int to) {
        if (from >= to || t.find(from, to, OR) < to) {
            return null;
        }
        List<KeyRef> best = null;
        int start = from;
        boolean between = false;
        for (int i = from; i <= to; i++) {
            if (i < to && t.is(i, Kind.LPAREN)) {
                i = t.closing(i);
                continue;
            }
            if (i < to && t.isWord(i, "between")) {
                between = true; // its AND is not a conjunction
            } else if (i == to || t.isWord(i, "and")) {
                if (i < to && between) {
                    between = false;
                    continue;
                }
                List<KeyRef> keys = condition(start, i);
                if (keys != null && (best == null || keys.size() < best.size())) {
                    best = keys;
                }
                start = i + 1;
            }
        }
        return best;
    }

    /** One condition in [from, to): {@code (conjunction)}, {@code key = v}, {@code v = key}, {@code key IN (v, ...)}. */
    private List<KeyRef> condition(int from, int to) {
        if (t.is(from, Kind.LPAREN) && t.closing(from) == to - 1) {
            return conjunction(from + 1, to - 1);
        }
        int afterColumn = keyColumn(from, to);
        if (afterColumn > 0) {
            if (t.isWord(afterColumn, "in") && t.is(afterColumn + 1, Kind.LPAREN) && t.closing(afterColumn + 1) == to - 1) {
                return valueList(afterColumn + 2, to - 1);
            }
            KeyRef v = equalsValue(afterColumn, to);
            return v != null && valueEnd == to ? List.of(v) : null;
        }
        KeyRef v = value(from, to);
        if (v == null) {
            return null;
        }
        int op = valueEnd;
        boolean glued = t.isOperator(op, "=-") || t.isOperator(op, "=+"); // 5=-col is 5 = -col: not a key
        if (glued || !t.isOperator(op, "=") || keyColumn(op + 1, to) != to) {
            return null;
        }
        return List.of(v);
    }

    /** {@code = value} at i (also {@code =-5}: PostgreSQL reads it as {@code = -5}). */
    private KeyRef equalsValue(int i, int to) {
        if (t.isOperator(i, "=")) {
            return value(i + 1, to);
        }
        if ((t.isOperator(i, "=-") || t.isOperator(i, "=+")) && t.is(i + 1, Kind.NUMBER)) {
            KeyRef v = value(i + 1, to);
            return v == null || !t.isOperator(i, "=-") ? v : new KeyRef.Literal("-" + ((KeyRef.Literal) v).text());
        }
        return null;
    }

    /** {@code v, v, ...} filling [from, to), without repeats; null unless every item is a value. */
    private List<KeyRef> valueList(int from, int to) {
        List<KeyRef> keys = new ArrayList<>();
        int i = from;
        while (i < to) {
            KeyRef v = value(i, to);
            if (v == null || (valueEnd < to && !t.is(valueEnd, Kind.COMMA))) {
                return null;
            }
            if (!keys.contains(v)) {
                keys.add(v);
            }
            i = valueEnd + 1;
        }
        return keys.isEmpty() ? null : keys;
    }

    /**
     * When a column reference starts at i and names a shard key column, the index after it; else
     * -1. {@code col}, {@code t.col}, {@code s.t.col}, quoted or not.
     */
    private int keyColumn(int i, int to) {
        if (!isName(i)) {
            return -1;
        }
        int last = i;
        while (last + 2 < to && t.is(last + 1, Kind.DOT) && isName(last + 2)) {
            last += 2;
        }
        if (t.is(last + 1, Kind.LPAREN) || t.is(last + 1, Kind.DOT)) {
            return -1; // a function call, or col.*
        }
        String qualifier = last > i ? t.identifier(last - 2) : null;
        return tables.isKey(qualifier, t.identifier(last)) ? last + 1 : -1;
    }

    private boolean isName(int i) {
        return (t.is(i, Kind.WORD) && !t.isWord(i, "not")) || t.is(i, Kind.QUOTED_IDENT);
    }

    /**
     * A literal or parameter at i with its casts, within [i, to); sets {@link #valueEnd}. Null for
     * anything else (an expression, a column, NULL, DEFAULT).
     */
    private KeyRef value(int i, int to) {
        KeyRef v;
        if (t.is(i, Kind.LPAREN)) {
            // a value in parentheses: pgjdbc in simple mode inlines parameters as ('42'::int8)
            int close = t.closing(i);
            v = close > to ? null : value(i + 1, close);
            if (v == null || valueEnd != close) {
                return null;
            }
            i = close + 1;
        } else if (t.isWord(i, "cast") && t.is(i + 1, Kind.LPAREN)) {
            int close = t.closing(i + 1);
            v = value(i + 2, close);
            if (v == null || !t.isWord(valueEnd, "as")) {
                return null;
            }
            i = close + 1;
        } else if ((t.isOperator(i, "-") || t.isOperator(i, "+")) && t.is(i + 1, Kind.NUMBER)) {
            v = new KeyRef.Literal(t.isOperator(i, "-") ? "-" + t.text(i + 1) : t.text(i + 1));
            i += 2;
        } else if (t.is(i, Kind.NUMBER)) {
            v = new KeyRef.Literal(t.text(i));
            i++;
        } else if (t.is(i, Kind.STRING)) {
            v = new KeyRef.Literal(t.string(i));
            i++;
        } else if (t.is(i, Kind.PARAM)) {
            v = new KeyRef.Param(Integer.parseInt(t.text(i), 1, t.text(i).length(), 10));
            i++;
        } else if (t.is(i, Kind.WORD) && t.is(i + 1, Kind.STRING) && !t.isWord(i, "b") && !t.isWord(i, "x")) {
            v = new KeyRef.Literal(t.string(i + 1)); // a typed literal: int8 '42', uuid '...'
            i += 2;
        } else {
            return null;
        }
        while (t.isOperator(i, "::")) {
            i = typeEnd(i + 1, to);
        }
        valueEnd = Math.min(i, to);
        return i <= to ? v : null;
    }

    /** The end of a type name at i: words ({@code double precision}), dots, a modifier in parentheses. */
    private int typeEnd(int i, int to) {
        while (i < to && (t.is(i, Kind.WORD) || t.is(i, Kind.QUOTED_IDENT) || t.is(i, Kind.DOT))
                && !t.isWord(i, "and") && !t.isWord(i, "in")) {
            i++;
        }
        return t.is(i, Kind.LPAREN) ? t.closing(i) + 1 : i;
    }

    /**
     * {@code INSERT INTO t [AS a] (cols) [OVERRIDING ...] VALUES (row), ... [ON CONFLICT ...]
     * [RETURNING ...]}: the key column's value in every row. Without a column list, with
     * {@code DEFAULT} or an expression as a key, or from a SELECT: null.
     */
    private List<KeyRef> insert(int from, int to) {
        int last = from + 2;
        if (!isName(last)) {
            return null;
        }
        while (t.is(last + 1, Kind.DOT) && isName(last + 2)) {
            last += 2;
        }
        String key = columns.columnFor(last > from + 2 ? t.identifier(last - 2) : null, t.identifier(last));
        int open = t.isWord(last + 1, "as") ? last + 3 : last + 1;
        if (key == null || !t.is(open, Kind.LPAREN)) {
            return null;
        }
        int close = t.closing(open);
        int keyIndex = -1;
        int count = 0;
        for (int i = open + 1; i < close; i += 2, count++) {
            if (!isName(i) || !(t.is(i + 1, Kind.COMMA) || i + 1 == close)) {
                return null; // col[1], col.field: not a plain column list
            }
            if (t.identifier(i).equals(key)) {
                keyIndex = count;
            }
        }
        int i = close + 1;
        if (t.isWord(i, "overriding")) {
            i += 3;
        }
        if (keyIndex < 0 || !t.isWord(i, "values")) {
            return null;
        }
        List<KeyRef> keys = new ArrayList<>();
        do {
            KeyRef v = rowValue(i + 1, keyIndex, count);
            if (v == null) {
                return null;
            }
            if (!keys.contains(v)) {
                keys.add(v);
            }
            i = t.closing(i + 1) + 1;
        } while (t.is(i, Kind.COMMA));
        return i == to || t.isWord(i, "on") || t.isWord(i, "returning") ? keys : null;
    }

    /** Item {@code index} of the row {@code (a, b, ...)} opening at i when it has {@code count} items and is a value. */
    private KeyRef rowValue(int open, int index, int count) {
        if (!t.is(open, Kind.LPAREN)) {
            return null;
        }
        int close = t.closing(open);
        KeyRef found = null;
        int item = 0;
        int start = open + 1;
        for (int i = start; i <= close; i++) {
            if (i < close && t.is(i, Kind.LPAREN)) {
                i = t.closing(i);
            } else if (i == close || t.is(i, Kind.COMMA)) {
                if (item == index) {
                    found = value(start, i);
                    if (found == null || valueEnd != i) {
                        return null;
                    }
                }
                item++;
                start = i + 1;
            }
        }
        return item == count ? found : null;
    }
}
