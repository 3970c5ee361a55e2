package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.List;

/**
 * Reads the LIMIT/OFFSET/FETCH section of a SELECT: {@code LIMIT n|ALL|NULL}, {@code OFFSET m
 * [ROW|ROWS]}, {@code FETCH FIRST|NEXT [n] ROW|ROWS ONLY}, in either order. Only integer literals:
 * a parameter or an expression is refused, since the merger must know the numbers.
 */
final class ScatterLimits {
    private ScatterLimits() {
    }

    static MergeLimit parse(List<ScatterToken> tokens) {
        long offset = 0;
        long count = MergeLimit.ALL;
        boolean sawCount = false;
        boolean sawOffset = false;
        int i = 0;
        while (i < tokens.size()) {
            ScatterToken t = tokens.get(i);
            if (t.isWord("limit") && !sawCount) {
                sawCount = true;
                ScatterToken value = at(tokens, i + 1, "LIMIT");
                if (!value.isWord("all") && !value.isWord("null")) {
                    count = number(value, "LIMIT");
                }
                i += 2;
            } else if (t.isWord("offset") && !sawOffset) {
                sawOffset = true;
                offset = number(at(tokens, i + 1, "OFFSET"), "OFFSET");
                i += 2;
                if (i < tokens.size() && (tokens.get(i).isWord("row") || tokens.get(i).isWord("rows"))) {
                    i++;
                }
            } else if (t.isWord("fetch") && !sawCount) {
                sawCount = true;
                Fetch fetch = fetch(tokens, i + 1);
                count = fetch.count();
                i = fetch.next();
            } else {
                throw new MergeException("cannot merge this LIMIT/OFFSET clause across shards; use integer literals");
            }
        }
        return new MergeLimit(offset, count);
    }

    /** A FETCH clause's row count and the index of the token after it. */
    private record Fetch(long count, int next) {
    }

    // FETCH {FIRST|NEXT} [n] {ROW|ROWS} ONLY
    private static Fetch fetch(List<ScatterToken> tokens, int i) {
        ScatterToken firstOrNext = at(tokens, i, "FETCH");
        if (!firstOrNext.isWord("first") && !firstOrNext.isWord("next")) {
            throw new MergeException("cannot merge this FETCH clause across shards");
        }
        i++;
        long n = 1;
        if (at(tokens, i, "FETCH").kind() != Kind.WORD) {
            n = number(tokens.get(i), "FETCH FIRST");
            i++;
        }
        ScatterToken rows = at(tokens, i, "FETCH");
        ScatterToken only = at(tokens, i + 1, "FETCH");
        if (!(rows.isWord("row") || rows.isWord("rows")) || !only.isWord("only")) {
            throw new MergeException("cannot merge FETCH ... WITH TIES across shards");
        }
        return new Fetch(n, i + 2);
    }

    private static ScatterToken at(List<ScatterToken> tokens, int i, String clause) {
        if (i >= tokens.size()) {
            throw new MergeException(clause + " without a value");
        }
        return tokens.get(i);
    }

    private static long number(ScatterToken t, String clause) {
        if (t.kind() == Kind.PARAM) {
            throw new MergeException("cannot merge " + clause + " with a parameter (" + t.text()
                    + ") across shards; use a literal");
        }
        if (t.kind() != Kind.NUMBER || !t.text().chars().allMatch(Character::isDigit)) {
            throw new MergeException("cannot merge " + clause + " " + t.text()
                    + " across shards; use an integer literal");
        }
        try {
            return Long.parseLong(t.text());
        } catch (NumberFormatException e) {
            throw new MergeException(clause + " " + t.text() + " is out of range");
        }
    }
}
