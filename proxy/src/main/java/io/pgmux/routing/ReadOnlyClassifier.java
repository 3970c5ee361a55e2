package io.pgmux.routing;

import io.pgmux.routing.SqlLexer.Kind;
import io.pgmux.routing.SqlLexer.Token;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether SQL may run on a streaming replica. Two questions:
 * <ul>
 *   <li>{@link #startsReadOnlyTransaction}: does this begin a transaction the client declared read
 *       only ({@code BEGIN READ ONLY}, {@code START TRANSACTION ... READ ONLY}, or
 *       {@code BEGIN; SET TRANSACTION READ ONLY} in one query)?</li>
 *   <li>{@link #isHarmlessSelect}: is this a lone autocommit SELECT that provably writes nothing:
 *       no {@code FOR UPDATE/SHARE}, no {@code INTO}, no data-modifying CTE, no function from the
 *       deny list (nextval, setval, advisory locks...), no second statement?</li>
 * </ul>
 * Doubt always answers no: the primary can run anything, a replica cannot.
 */
public final class ReadOnlyClassifier {
    /** Functions that write, take locks, or assign a transaction id, which a replica refuses. */
    public static final List<String> DEFAULT_DENY = List.of(
            "nextval", "setval", "currval", "lastval", "pg_advisory_lock", "pg_advisory_lock_shared",
            "pg_try_advisory_lock", "pg_try_advisory_lock_shared", "pg_advisory_xact_lock",
            "pg_advisory_xact_lock_shared", "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared",
            "pg_notify", "set_config", "txid_current", "pg_current_xact_id", "pg_current_wal_lsn",
            "lo_create", "lo_import", "lo_unlink", "lo_from_bytea", "lo_put", "dblink_exec",
            "pg_create_restore_point", "pg_switch_wal", "pg_terminate_backend", "pg_cancel_backend");

    private static final Set<String> WRITE_KEYWORDS = Set.of("insert", "update", "delete", "merge", "truncate");

    private final Set<String> deny;

    /** @param extraDeny more function names (any case) that must send a SELECT to the primary */
    public ReadOnlyClassifier(List<String> extraDeny) {
        Set<String> d = new HashSet<>(DEFAULT_DENY);
        for (String f : extraDeny) {
            d.add(f.toLowerCase(Locale.ROOT));
        }
        this.deny = d;
    }

    /** True when {@code sql} opens a read-only transaction block. */
    public boolean startsReadOnlyTransaction(String sql) {
        List<List<Token>> statements = statements(SqlLexer.tokens(sql));
        if (statements.isEmpty()) {
            return false;
        }
        List<Token> first = statements.get(0);
        if (!(word(first, 0, "begin") || (word(first, 0, "start") && word(first, 1, "transaction")))) {
            return false;
        }
        if (declaresReadOnly(first)) {
            return true;
        }
        // BEGIN; SET TRANSACTION READ ONLY; ... in one query string
        return statements.size() > 1 && word(statements.get(1), 0, "set") && word(statements.get(1), 1, "transaction")
                && declaresReadOnly(statements.get(1));
    }

    /** True for {@code SET TRANSACTION READ ONLY} (and {@code SET TRANSACTION ..., READ ONLY}). */
    public boolean setsTransactionReadOnly(String sql) {
        List<List<Token>> statements = statements(SqlLexer.tokens(sql));
        return statements.size() == 1 && word(statements.get(0), 0, "set") && word(statements.get(0), 1, "transaction")
                && declaresReadOnly(statements.get(0));
    }

    /** True when {@code sql} is one SELECT (or VALUES, or WITH ... SELECT) that writes nothing. */
    public boolean isHarmlessSelect(String sql) {
        List<List<Token>> statements = statements(SqlLexer.tokens(sql));
        if (statements.size() != 1) {
            return false; // batches go to the primary: one of them may write
        }
        List<Token> t = statements.get(0);
        int i = 0;
        while (i < t.size() && t.get(i).kind() == Kind.LPAREN) {
            i++;
        }
        if (!(word(t, i, "select") || word(t, i, "with") || word(t, i, "values") || word(t, i, "table"))) {
            return false;
        }
        for (int k = 0; k < t.size(); k++) {
            Token tok = t.get(k);
            if (tok.kind() != Kind.WORD) {
                continue;
            }
            String w = tok.text();
            if (w.equals("into") || WRITE_KEYWORDS.contains(w)) {
                return false; // SELECT INTO creates a table; INSERT/UPDATE/DELETE inside WITH write
            }
            if (w.equals("for") && (word(t, k + 1, "update") || word(t, k + 1, "share") || word(t, k + 1, "no")
                    || word(t, k + 1, "key"))) {
                return false; // row locks need the primary
            }
            boolean call = k + 1 < t.size() && t.get(k + 1).kind() == Kind.LPAREN;
            if (call && (deny.contains(w) || w.startsWith("pg_advisory") || w.startsWith("pg_try_advisory"))) {
                return false;
            }
        }
        return true;
    }

    private static boolean declaresReadOnly(List<Token> t) {
        for (int i = 0; i + 1 < t.size(); i++) {
            if (word(t, i, "read") && word(t, i + 1, "only")) {
                return true;
            }
        }
        return false;
    }

    private static List<List<Token>> statements(List<Token> tokens) {
        List<List<Token>> out = new ArrayList<>();
        List<Token> cur = new ArrayList<>();
        for (Token t : tokens) {
            if (t.kind() == Kind.SEMICOLON) {
                if (!cur.isEmpty()) {
                    out.add(cur);
                }
                cur = new ArrayList<>();
            } else {
                cur.add(t);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i < t.size() && t.get(i).isWord(w);
    }
}
