package io.pgmux.frontend;

import io.pgmux.routing.SqlLexer;
import io.pgmux.routing.SqlLexer.Kind;
import io.pgmux.routing.SqlLexer.Token;

import java.util.List;
import java.util.Locale;

/** Recognises a lone {@code DEALLOCATE [PREPARE] name} statement in a simple query. */
final class DeallocateCommand {
    private DeallocateCommand() {
    }

    /** The statement name, or null when {@code sql} is not exactly one DEALLOCATE of one name. */
    static String statementName(String sql) {
        String head = sql.stripLeading();
        if (head.length() < 10 || !head.substring(0, 10).toLowerCase(Locale.ROOT).equals("deallocate")) {
            return null;
        }
        List<Token> t = SqlLexer.tokens(sql);
        int i = 1;
        if (i < t.size() && t.get(i).isWord("prepare")) {
            i++;
        }
        if (i >= t.size() || (t.get(i).kind() != Kind.WORD && t.get(i).kind() != Kind.QUOTED_IDENT)) {
            return null;
        }
        Token name = t.get(i);
        if (name.isWord("all")) {
            return null;
        }
        int rest = i + 1;
        while (rest < t.size() && t.get(rest).kind() == Kind.SEMICOLON) {
            rest++;
        }
        return rest == t.size() ? name.text() : null;
    }

    /** True for statements after which the server holds no prepared statements at all. */
    static boolean dropsAll(String commandTag) {
        return commandTag.equals("DISCARD ALL") || commandTag.equals("DEALLOCATE ALL");
    }
}
