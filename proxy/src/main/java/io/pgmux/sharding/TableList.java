package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * The tables a statement reads or writes (FROM and JOIN items, UPDATE/DELETE targets, USING),
 * with their aliases, and which column is each one's shard key. Subqueries and function calls in
 * FROM count as tables without a name: their key is the default column.
 */
final class TableList {
    /** Words that end a table item rather than name its alias. */
    private static final String[] NOT_ALIASES = {"on", "join", "left", "right", "inner", "full", "outer", "cross",
            "natural", "using", "where", "group", "order", "limit", "offset", "fetch", "for", "window", "having",
            "union", "intersect", "except", "set", "returning", "tablesample", "from", "lateral", "only"};

    private record Table(String schema, String name, String alias) {
    }

    private final TokenList t;
    private final ShardKeyColumns columns;
    private final List<Table> tables = new ArrayList<>(2);

    TableList(TokenList t, ShardKeyColumns columns) {
        this.t = t;
        this.columns = columns;
    }

    /** Adds the table items of the list in [from, to): {@code a, b x JOIN c AS y ON ... , (SELECT ...) s}. */
    void addItems(int from, int to) {
        boolean expectTable = true;
        int i = from;
        while (i < to) {
            if (t.isWord(i, "lateral") || t.isWord(i, "only")) {
                i++;
            } else if (expectTable && t.is(i, Kind.LPAREN)) {
                i = alias(t.closing(i) + 1, to, null, null); // a subquery or a parenthesized join
                expectTable = false;
            } else if (expectTable && isName(i)) {
                i = item(i, to);
                expectTable = false;
            } else {
                expectTable = t.is(i, Kind.COMMA) || t.isWord(i, "join");
                i = t.is(i, Kind.LPAREN) ? t.closing(i) + 1 : i + 1;
            }
        }
    }

    /** {@code [catalog.][schema.]name [*] [[AS] alias]}, or a function call; returns the index after it. */
    private int item(int i, int to) {
        int last = i;
        while (t.is(last + 1, Kind.DOT) && isName(last + 2)) {
            last += 2;
        }
        if (t.is(last + 1, Kind.LPAREN)) {
            return alias(t.closing(last + 1) + 1, to, null, null); // a set-returning function
        }
        String schema = last > i ? t.identifier(last - 2) : null;
        int next = t.isOperator(last + 1, "*") ? last + 2 : last + 1;
        return alias(next, to, schema, t.identifier(last));
    }

    /** Reads an optional alias at i for the table (schema, name) and records it. */
    private int alias(int i, int to, String schema, String name) {
        String alias = null;
        if (t.isWord(i, "as")) {
            i++;
        }
        if (i < to && isName(i) && !isClauseWord(i)) {
            alias = t.identifier(i);
            i++;
            if (t.is(i, Kind.LPAREN)) {
                i = t.closing(i) + 1; // column aliases
            }
        }
        tables.add(new Table(schema, name, alias));
        return i;
    }

    private boolean isClauseWord(int i) {
        for (String w : NOT_ALIASES) {
            if (t.isWord(i, w)) {
                return true;
            }
        }
        return false;
    }

    private boolean isName(int i) {
        return t.is(i, Kind.WORD) || t.is(i, Kind.QUOTED_IDENT);
    }

    /**
     * True when {@code qualifier.column} (qualifier null when not written) is the shard key of a
     * table in the list: the table the qualifier names or aliases; without a qualifier, any table.
     */
    boolean isKey(String qualifier, String column) {
        for (Table table : tables) {
            boolean named = qualifier == null || qualifier.equals(table.alias)
                    || (table.alias == null && qualifier.equals(table.name));
            if (named && column.equals(keyOf(table))) {
                return true;
            }
        }
        return false;
    }

    private String keyOf(Table table) {
        return table.name == null ? columns.defaultColumn() : columns.columnFor(table.schema, table.name);
    }
}
