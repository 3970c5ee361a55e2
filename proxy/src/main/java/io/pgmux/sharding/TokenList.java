package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer;
import io.pgmux.routing.SqlLexer.Kind;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one query as three parallel arrays (kind, start, end) over the SQL text, so a
 * reader can look back and ahead without a Token or a String per token; text is made only for
 * the few tokens kept (table names, key values). Indexes past the end read as no token.
 */
final class TokenList {
    final String sql;
    private final SqlLexer lexer;
    private Kind[] kinds = new Kind[32];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private int size;

    private TokenList(String sql, boolean keepComments) {
        this.sql = sql;
        this.lexer = keepComments ? new SqlLexer(sql) : SqlLexer.scanner(sql);
        Kind k;
        while ((k = lexer.step()) != null) {
            if (size == kinds.length) {
                kinds = Arrays.copyOf(kinds, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            kinds[size] = k;
            starts[size] = lexer.start();
            ends[size] = lexer.end();
            size++;
        }
    }

    /** Tokens of {@code sql}; comments are kept only when asked (they cost a String each). */
    static TokenList of(String sql, boolean keepComments) {
        return new TokenList(sql, keepComments);
    }

    int size() {
        return size;
    }

    /** The comments, when kept. */
    List<String> comments() {
        return lexer.comments();
    }

    Kind kind(int i) {
        return i >= 0 && i < size ? kinds[i] : null;
    }

    boolean is(int i, Kind kind) {
        return kind(i) == kind;
    }

    /** True for the WORD {@code lowerCaseWord}, any case; a quoted identifier is never a keyword. */
    boolean isWord(int i, String lowerCaseWord) {
        return kind(i) == Kind.WORD && ends[i] - starts[i] == lowerCaseWord.length()
                && sql.regionMatches(true, starts[i], lowerCaseWord, 0, lowerCaseWord.length());
    }

    /** True for the OPERATOR {@code op} exactly. */
    boolean isOperator(int i, String op) {
        return kind(i) == Kind.OPERATOR && ends[i] - starts[i] == op.length() && sql.startsWith(op, starts[i]);
    }

    /** The source text of token i. */
    String text(int i) {
        return sql.substring(starts[i], ends[i]);
    }

    /** A name as PostgreSQL reads it: a WORD folded to lower case, a quoted identifier as written. */
    String identifier(int i) {
        return kinds[i] == Kind.QUOTED_IDENT ? SqlLexer.content(sql, starts[i], ends[i])
                : text(i).toLowerCase(Locale.ROOT);
    }

    /** The value of a STRING token, quotes and escapes removed. */
    String string(int i) {
        return SqlLexer.content(sql, starts[i], ends[i]);
    }

    /** The index of the RPAREN closing the LPAREN at i, or size() when it is never closed. */
    int closing(int i) {
        int depth = 0;
        for (int j = i; j < size; j++) {
            if (kinds[j] == Kind.LPAREN) {
                depth++;
            } else if (kinds[j] == Kind.RPAREN && --depth == 0) {
                return j;
            }
        }
        return size;
    }

    /**
     * The first token in {@code [from, to)} outside parentheses that is one of {@code words}, or
     * {@code to}.
     */
    int find(int from, int to, String... words) {
        for (int i = from; i < to; i++) {
            if (kinds[i] == Kind.LPAREN) {
                i = closing(i);
            } else if (kinds[i] == Kind.WORD) {
                for (String w : words) {
                    if (isWord(i, w)) {
                        return i;
                    }
                }
            }
        }
        return to;
    }
}
