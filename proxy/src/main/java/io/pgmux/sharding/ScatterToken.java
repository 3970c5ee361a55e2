package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer;
import io.pgmux.routing.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * A token of a scattered statement with where it sits: its source span (for rewriting LIMIT) and
 * its parenthesis depth (clauses are only recognised at depth 0).
 *
 * @param kind  the lexer's kind
 * @param text  as {@link SqlLexer.Token#text()}: words lower-cased, quoted identifiers unquoted
 * @param start first source character
 * @param end   source character after the token
 * @param depth parentheses open before the token; a parenthesis itself counts as outside
 */
record ScatterToken(Kind kind, String text, int start, int end, int depth) {

    static List<ScatterToken> tokenize(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        List<ScatterToken> out = new ArrayList<>();
        int depth = 0;
        SqlLexer.Token t;
        while ((t = lexer.next()) != null) {
            if (t.kind() == Kind.RPAREN) {
                depth = Math.max(0, depth - 1);
            }
            out.add(new ScatterToken(t.kind(), t.text(), lexer.start(), lexer.end(), depth));
            if (t.kind() == Kind.LPAREN) {
                depth++;
            }
        }
        return out;
    }

    boolean isWord(String lowerCaseWord) {
        return kind == Kind.WORD && text.equals(lowerCaseWord);
    }

    boolean isIdentifier() {
        return kind == Kind.WORD || kind == Kind.QUOTED_IDENT;
    }

    /**
     * Whether two tokens mean the same thing in an expression: an unquoted word and a quoted
     * identifier with the same (lower-case) text are one identifier.
     */
    boolean sameAs(ScatterToken other) {
        if (isIdentifier() && other.isIdentifier()) {
            return text.equals(other.text);
        }
        return kind == other.kind && text.equals(other.text);
    }

    static boolean sameTokens(List<ScatterToken> a, List<ScatterToken> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).sameAs(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The tokens' source text, for messages. */
    static String source(String sql, List<ScatterToken> tokens) {
        return tokens.isEmpty() ? "" : sql.substring(tokens.get(0).start, tokens.get(tokens.size() - 1).end);
    }

    /** Splits {@code tokens} at commas of the given depth. */
    static List<List<ScatterToken>> splitAtCommas(List<ScatterToken> tokens, int depth) {
        List<List<ScatterToken>> items = new ArrayList<>();
        List<ScatterToken> current = new ArrayList<>();
        for (ScatterToken t : tokens) {
            if (t.kind == Kind.COMMA && t.depth == depth) {
                items.add(current);
                current = new ArrayList<>();
            } else {
                current.add(t);
            }
        }
        items.add(current);
        return items;
    }
}
