package io.pgmux.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A careful tokenizer for the little SQL reading pgmux does (session-state detection, read-only
 * classification, shard keys). Not a parser: it gets quoting right, so a keyword inside a string,
 * a quoted identifier, a dollar-quoted body or a comment is never mistaken for a statement.
 * Handles {@code --} and nested {@code /* *}{@code /} comments, {@code 'x''y'}, {@code E'\''},
 * {@code $tag$...$tag$}, {@code "Quoted"} identifiers, {@code $1} parameters and {@code ::} casts.
 * Comments are kept aside (pgmux reads hints from them).
 */
public final class SqlLexer {

    /** Token kinds. */
    public enum Kind { WORD, QUOTED_IDENT, STRING, NUMBER, PARAM, SEMICOLON, LPAREN, RPAREN, COMMA, DOT, OPERATOR }

    /**
     * A token. For WORD the text is lower-cased; for QUOTED_IDENT and STRING it is the unquoted
     * content; for others the source text.
     */
    public record Token(Kind kind, String text) {
        public boolean isWord(String lowerCaseWord) {
            return kind == Kind.WORD && text.equals(lowerCaseWord);
        }
    }

    private final String sql;
    private final List<String> comments = new ArrayList<>();
    private int pos;

    public SqlLexer(String sql) {
        this.sql = sql;
    }

    /** All tokens of {@code sql}. */
    public static List<Token> tokens(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        List<Token> out = new ArrayList<>();
        Token t;
        while ((t = lexer.next()) != null) {
            out.add(t);
        }
        return out;
    }

    /** The comments met so far, without their delimiters. */
    public List<String> comments() {
        return comments;
    }

    /** The next token, or null at the end. */
    public Token next() {
        skipSpaceAndComments();
        if (pos >= sql.length()) {
            return null;
        }
        char c = sql.charAt(pos);
        int start = pos;
        if ((c == 'E' || c == 'e') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
            pos++;
            return new Token(Kind.STRING, quoted('\'', true));
        }
        if (isIdentStart(c)) {
            while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
                pos++;
            }
            return new Token(Kind.WORD, sql.substring(start, pos).toLowerCase(Locale.ROOT));
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
            while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.'
                    || ((sql.charAt(pos) == '+' || sql.charAt(pos) == '-') && (sql.charAt(pos - 1) == 'e' || sql.charAt(pos - 1) == 'E')))) {
                pos++;
            }
            return new Token(Kind.NUMBER, sql.substring(start, pos));
        }
        switch (c) {
            case '\'':
                return new Token(Kind.STRING, quoted('\'', false));
            case '"':
                return new Token(Kind.QUOTED_IDENT, quoted('"', false));
            case '$':
                return dollar();
            case ';':
                pos++;
                return new Token(Kind.SEMICOLON, ";");
            case '(':
                pos++;
                return new Token(Kind.LPAREN, "(");
            case ')':
                pos++;
                return new Token(Kind.RPAREN, ")");
            case ',':
                pos++;
                return new Token(Kind.COMMA, ",");
            case '.':
                pos++;
                return new Token(Kind.DOT, ".");
            default:
                return operator();
        }
    }

    private void skipSpaceAndComments() {
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '-' && sql.startsWith("--", pos)) {
                int end = sql.indexOf('\n', pos);
                end = end < 0 ? sql.length() : end;
                comments.add(sql.substring(pos + 2, end));
                pos = end;
            } else if (c == '/' && sql.startsWith("/*", pos)) {
                blockComment();
            } else {
                return;
            }
        }
    }

    // block comments nest in PostgreSQL
    private void blockComment() {
        int start = pos + 2;
        int depth = 0;
        while (pos < sql.length()) {
            if (sql.startsWith("/*", pos)) {
                depth++;
                pos += 2;
            } else if (sql.startsWith("*/", pos)) {
                depth--;
                pos += 2;
                if (depth == 0) {
                    comments.add(sql.substring(start, pos - 2));
                    return;
                }
            } else {
                pos++;
            }
        }
        comments.add(sql.substring(start));
    }

    /** A quoted string or identifier starting at pos (the opening quote); doubled quotes escape. */
    private String quoted(char q, boolean backslashEscapes) {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\' && pos + 1 < sql.length()) {
                sb.append(sql.charAt(pos + 1));
                pos += 2;
            } else if (c == q) {
                if (pos + 1 < sql.length() && sql.charAt(pos + 1) == q) {
                    sb.append(q);
                    pos += 2;
                } else {
                    pos++;
                    return sb.toString();
                }
            } else {
                sb.append(c);
                pos++;
            }
        }
        return sb.toString();
    }

    private Token dollar() {
        int start = pos;
        int p = pos + 1;
        if (p < sql.length() && Character.isDigit(sql.charAt(p))) {
            while (p < sql.length() && Character.isDigit(sql.charAt(p))) {
                p++;
            }
            pos = p;
            return new Token(Kind.PARAM, sql.substring(start, p));
        }
        while (p < sql.length() && isIdentPart(sql.charAt(p)) && sql.charAt(p) != '$') {
            p++;
        }
        if (p < sql.length() && sql.charAt(p) == '$') {
            String tag = sql.substring(start, p + 1);
            int end = sql.indexOf(tag, p + 1);
            String body = end < 0 ? sql.substring(p + 1) : sql.substring(p + 1, end);
            pos = end < 0 ? sql.length() : end + tag.length();
            return new Token(Kind.STRING, body);
        }
        pos++;
        return new Token(Kind.OPERATOR, "$");
    }

    private Token operator() {
        int start = pos;
        pos++;
        while (pos < sql.length() && "+-*/<>=~!@#%^&|`?:".indexOf(sql.charAt(pos)) >= 0
                && !sql.startsWith("--", pos) && !sql.startsWith("/*", pos)) {
            pos++;
        }
        return new Token(Kind.OPERATOR, sql.substring(start, pos));
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 127;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
    }
}
