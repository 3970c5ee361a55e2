package io.pgmux.admin;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses what an admin client sends in a Query message. Keywords are case-insensitive; a statement
 * may end with {@code ;} and several may share one Query. Names may be double-quoted, SET values
 * single-quoted (with {@code ''} for a quote), as in SQL and in PgBouncer's console.
 */
final class CommandParser {
    private CommandParser() {
    }

    /** Splits a Query's text at semicolons outside quotes; blank statements are dropped. */
    static List<String> split(String query) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ';') {
                add(out, cur);
                continue;
            }
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /** Parses one statement (no {@code ;}); throws 42601 with the list of commands when it is not one. */
    static AdminCommand parse(String statement) {
        List<Token> tokens;
        try {
            tokens = tokenize(statement);
        } catch (IllegalArgumentException e) {
            throw syntaxError(statement);
        }
        if (tokens.isEmpty() || tokens.get(0).kind != Kind.WORD) {
            throw syntaxError(statement);
        }
        AdminCommand.Verb verb = AdminCommand.Verb.of(tokens.get(0).text);
        if (verb == null) {
            throw syntaxError(statement);
        }
        List<Token> args = tokens.subList(1, tokens.size());
        return switch (verb) {
            case SHOW -> {
                if (args.size() != 1 || args.get(0).kind != Kind.WORD
                        || !AdminCommand.SHOW_SUBJECTS.contains(args.get(0).text.toUpperCase(Locale.ROOT))) {
                    throw syntaxError(statement);
                }
                yield AdminCommand.show(args.get(0).text);
            }
            case PAUSE, RESUME, RECONNECT -> new AdminCommand(verb, optionalName(args, statement), null);
            case KILL -> {
                String db = optionalName(args, statement);
                if (db == null) {
                    throw new PgException(PgError.error(SqlState.SYNTAX_ERROR, "KILL needs a database name")
                            .withHint("KILL db"));
                }
                yield new AdminCommand(verb, db, null);
            }
            case RELOAD -> {
                if (!args.isEmpty()) {
                    throw syntaxError(statement);
                }
                yield new AdminCommand(verb, null, null);
            }
            case SHUTDOWN -> {
                // PgBouncer's SIGTERM equivalent is spelled SHUTDOWN WAIT_FOR_CLIENTS: the same graceful shutdown here
                if (!args.isEmpty() && !(args.size() == 1 && args.get(0).is("WAIT_FOR_CLIENTS"))) {
                    throw syntaxError(statement);
                }
                yield new AdminCommand(verb, null, null);
            }
            case SET -> set(args, statement);
        };
    }

    private static AdminCommand set(List<Token> args, String statement) {
        // SET key = value | SET key TO value
        if (args.size() != 3 || args.get(0).kind == Kind.STRING
                || !(args.get(1).kind == Kind.EQUALS || args.get(1).is("TO")) || args.get(2).kind == Kind.EQUALS) {
            throw syntaxError(statement);
        }
        return new AdminCommand(AdminCommand.Verb.SET, args.get(0).text.toLowerCase(Locale.ROOT), args.get(2).text);
    }

    private static String optionalName(List<Token> args, String statement) {
        if (args.isEmpty()) {
            return null;
        }
        if (args.size() != 1 || args.get(0).kind == Kind.STRING || args.get(0).kind == Kind.EQUALS) {
            throw syntaxError(statement);
        }
        return args.get(0).text;
    }

    static PgException syntaxError(String statement) {
        return new PgException(PgError.error(SqlState.SYNTAX_ERROR, "invalid command '" + statement + "', use SHOW HELP;")
                .withHint("commands:\n" + AdminCommand.usage()));
    }

    private enum Kind { WORD, QUOTED_NAME, STRING, EQUALS }

    private record Token(Kind kind, String text) {
        boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '=') {
                out.add(new Token(Kind.EQUALS, "="));
                i++;
            } else if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (true) {
                    if (j >= s.length()) {
                        throw new IllegalArgumentException("unterminated quote");
                    }
                    char d = s.charAt(j);
                    if (d == c) {
                        if (j + 1 < s.length() && s.charAt(j + 1) == c) {
                            sb.append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    sb.append(d);
                    j++;
                }
                out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED_NAME, sb.toString()));
                i = j + 1;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "='\"".indexOf(s.charAt(j)) < 0) {
                    j++;
                }
                out.add(new Token(Kind.WORD, s.substring(i, j)));
                i = j;
            }
        }
        return out;
    }
}
