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
    /** Empty and immutable for a {@link #scanner}, which keeps no comments: nothing allocated for it. */
    private final List<String> comments;
    private final boolean keepComments;
    private int pos;
    private int tokenStart;
    private Kind kind;

    public SqlLexer(String sql) {
        this(sql, true);
    }

    private SqlLexer(String sql, boolean keepComments) {
        this.sql = sql;
        this.keepComments = keepComments;
        this.comments = keepComments ? new ArrayList<>() : List.of();
    }

    /**
     * A lexer for {@link #step()}ping only: no Token, no String per token, comments not kept. For
     * the checks that run on every transaction (read-only routing).
     */
    public static SqlLexer scanner(String sql) {
        return new SqlLexer(sql, false);
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
        Kind k = step();
        if (k == null) {
            return null;
        }
        String text = switch (k) {
            case WORD -> sql.substring(tokenStart, pos).toLowerCase(Locale.ROOT);
            case STRING, QUOTED_IDENT -> unquote();
            default -> sql.substring(tokenStart, pos);
        };
        return new Token(k, text);
    }

    /**
     * Moves to the next token without building it: its kind (null at the end); its source text is
     * {@code sql[start(), end())}, compare words with {@link #wordIs}.
     */
    public Kind step() {
        kind = advance();
        return kind;
    }

    /** True when the current token is a WORD equal to {@code lowerCaseWord}, ignoring case. */
    public boolean wordIs(String lowerCaseWord) {
        return kind == Kind.WORD && pos - tokenStart == lowerCaseWord.length()
                && sql.regionMatches(true, tokenStart, lowerCaseWord, 0, lowerCaseWord.length());
    }

    /** True when the current token is a WORD starting with {@code lowerCasePrefix}, ignoring case. */
    public boolean wordStartsWith(String lowerCasePrefix) {
        return kind == Kind.WORD && pos - tokenStart >= lowerCasePrefix.length()
                && sql.regionMatches(true, tokenStart, lowerCasePrefix, 0, lowerCasePrefix.length());
    }

    /** The current WORD, lower-cased (allocates). */
    public String word() {
        return sql.substring(tokenStart, pos).toLowerCase(Locale.ROOT);
    }

    public int start() {
        return tokenStart;
    }

    public int end() {
        return pos;
    }

    private Kind advance() {
        skipSpaceAndComments();
        tokenStart = pos;
        if (pos >= sql.length()) {
            return null;
        }
        char c = sql.charAt(pos);
        if ((c == 'E' || c == 'e') && pos + 1 < sql.length() && sql.charAt(pos + 1) == '\'') {
            pos++;
            skipQuoted('\'', true);
            return Kind.STRING;
        }
        if (isIdentStart(c)) {
            while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
                pos++;
            }
            return Kind.WORD;
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < sql.length() && Character.isDigit(sql.charAt(pos + 1)))) {
            while (pos < sql.length() && (Character.isLetterOrDigit(sql.charAt(pos)) || sql.charAt(pos) == '.'
                    || ((sql.charAt(pos) == '+' || sql.charAt(pos) == '-') && (sql.charAt(pos - 1) == 'e' || sql.charAt(pos - 1) == 'E')))) {
                pos++;
            }
            return Kind.NUMBER;
        }
        switch (c) {
            case '\'':
                skipQuoted('\'', false);
                return Kind.STRING;
            case '"':
                skipQuoted('"', false);
                return Kind.QUOTED_IDENT;
            case '$':
                return dollar();
            case ';':
                pos++;
                return Kind.SEMICOLON;
            case '(':
                pos++;
                return Kind.LPAREN;
            case ')':
                pos++;
                return Kind.RPAREN;
            case ',':
                pos++;
                return Kind.COMMA;
            case '.':
                pos++;
                return Kind.DOT;
            default:
                operator();
                return Kind.OPERATOR;
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
                if (keepComments) {
                    comments.add(sql.substring(pos + 2, end));
                }
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
                    if (keepComments) {
                        comments.add(sql.substring(start, pos - 2));
                    }
                    return;
                }
            } else {
                pos++;
            }
        }
        if (keepComments) {
            comments.add(sql.substring(start));
        }
    }

    /** Skips a quoted string or identifier starting at pos (the opening quote); doubled quotes escape. */
    private void skipQuoted(char q, boolean backslashEscapes) {
        pos++;
        while (pos < sql.length()) {
            char c = sql.charAt(pos);
            if (backslashEscapes && c == '\\' && pos + 1 < sql.length()) {
                pos += 2;
            } else if (c == q) {
                if (pos + 1 < sql.length() && sql.charAt(pos + 1) == q) {
                    pos += 2;
                } else {
                    pos++;
                    return;
                }
            } else {
                pos++;
            }
        }
    }

    /** The content of the current STRING or QUOTED_IDENT token, quotes and escapes removed. */
    private String unquote() {
        return content(sql, tokenStart, pos);
    }

    /**
     * The content of the STRING or QUOTED_IDENT token {@code sql[start, end)} (as {@link #start()}
     * and {@link #end()} gave them), quotes and escapes removed: for readers that {@link #step()}
     * and build text only for the few tokens they keep.
     */
    public static String content(String sql, int start, int end) {
        char first = sql.charAt(start);
        if (first == '$') {
            int tagEnd = sql.indexOf('$', start + 1) + 1;
            int tagLength = tagEnd - start;
            boolean closed = end - tagEnd >= tagLength && sql.startsWith(sql.substring(start, tagEnd), end - tagLength);
            return sql.substring(tagEnd, closed ? end - tagLength : end);
        }
        boolean backslashEscapes = first == 'E' || first == 'e';
        int from = start + (backslashEscapes ? 2 : 1);
        char q = sql.charAt(from - 1);
        StringBuilder sb = new StringBuilder(end - from);
        int i = from;
        while (i < end) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\' && i + 1 < end) {
                sb.append(sql.charAt(i + 1));
                i += 2;
            } else if (c == q) {
                if (i + 1 < end && sql.charAt(i + 1) == q) {
                    sb.append(q);
                    i += 2;
                } else {
                    break; // the closing quote
                }
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    private Kind dollar() {
        int p = pos + 1;
        if (p < sql.length() && Character.isDigit(sql.charAt(p))) {
            while (p < sql.length() && Character.isDigit(sql.charAt(p))) {
                p++;
            }
            pos = p;
            return Kind.PARAM;
        }
        while (p < sql.length() && isIdentPart(sql.charAt(p)) && sql.charAt(p) != '$') {
            p++;
        }
        if (p < sql.length() && sql.charAt(p) == '$') {
            String tag = sql.substring(pos, p + 1);
            int end = sql.indexOf(tag, p + 1);
            pos = end < 0 ? sql.length() : end + tag.length();
            return Kind.STRING;
        }
        pos++;
        return Kind.OPERATOR;
    }

    private void operator() {
        pos++;
        while (pos < sql.length() && "+-*/<>=~!@#%^&|`?:".indexOf(sql.charAt(pos)) >= 0
                && !sql.startsWith("--", pos) && !sql.startsWith("/*", pos)) {
            pos++;
        }
    }

    private static boolean isIdentStart(char c) {
        return Character.isLetter(c) || c == '_' || c > 127;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
    }
}
