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
        SqlLexer lx = SqlLexer.scanner(sql);
        if (!beginsTransaction(lx)) {
            return false; // the common case: one token looked at
        }
        List<List<Token>> statements = statements(SqlLexer.tokens(sql));
        List<Token> begin = statements.get(0);
        if (declaresSerializable(begin)) {
            return false; // a standby refuses SERIALIZABLE: "cannot use serializable mode in a hot standby"
        }
        if (declaresReadOnly(begin)) {
            return true;
        }
        // BEGIN; SET TRANSACTION READ ONLY; ... in one query string
        return statements.size() > 1 && setsReadOnly(statements.get(1));
    }

    /** SET TRANSACTION ... READ ONLY, without SERIALIZABLE (which a standby refuses). */
    private static boolean setsReadOnly(List<Token> t) {
        return word(t, 0, "set") && word(t, 1, "transaction") && declaresReadOnly(t) && !declaresSerializable(t);
    }

    private static boolean declaresSerializable(List<Token> t) {
        for (int i = 0; i + 2 < t.size(); i++) {
            if (word(t, i, "isolation") && word(t, i + 1, "level") && word(t, i + 2, "serializable")) {
                return true;
            }
        }
        return false;
    }

    /** Steps over BEGIN or START TRANSACTION; false when the SQL starts otherwise. */
    private static boolean beginsTransaction(SqlLexer lx) {
        lx.step();
        if (lx.wordIs("begin")) {
            return true;
        }
        if (!lx.wordIs("start")) {
            return false;
        }
        lx.step();
        return lx.wordIs("transaction");
    }

    /**
     * True for {@code SET TRANSACTION READ ONLY} (and {@code SET TRANSACTION ..., READ ONLY}), unless
     * it asks for SERIALIZABLE, which a standby refuses.
     */
    public boolean setsTransactionReadOnly(String sql) {
        List<List<Token>> statements = statements(SqlLexer.tokens(sql));
        return statements.size() == 1 && setsReadOnly(statements.get(0));
    }

    /**
     * True for a plain {@code BEGIN} ({@code BEGIN WORK}, {@code BEGIN TRANSACTION},
     * {@code START TRANSACTION}) alone in its query, without any transaction mode: the statement
     * after it decides where the transaction goes. A BEGIN with modes (isolation level, READ
     * WRITE...) is not held back: the server must check them when the client sends them.
     */
    public boolean isOpenBegin(String sql) {
        SqlLexer lx = SqlLexer.scanner(sql);
        if (!beginsTransaction(lx)) {
            return false;
        }
        Kind k = lx.step();
        if (k == Kind.WORD && (lx.wordIs("work") || lx.wordIs("transaction"))) {
            k = lx.step();
        }
        while (k == Kind.SEMICOLON) {
            k = lx.step();
        }
        return k == null;
    }

    /**
     * True for a BEGIN (or START TRANSACTION) alone in its query, with any transaction modes: a
     * sharded database holds it back until a statement names the transaction's shard (a BEGIN the
     * server would refuse then fails at that statement).
     */
    public boolean isBeginAlone(String sql) {
        if (!beginsTransaction(SqlLexer.scanner(sql))) {
            return false;
        }
        return statements(SqlLexer.tokens(sql)).size() == 1;
    }

    /**
     * For a lone COMMIT, END, ROLLBACK or ABORT (optionally WORK or TRANSACTION, nothing more): the
     * command tag PostgreSQL answers it with ({@code COMMIT} or {@code ROLLBACK}); else null.
     */
    public String endsTransaction(String sql) {
        SqlLexer lx = SqlLexer.scanner(sql);
        lx.step();
        String tag = lx.wordIs("commit") || lx.wordIs("end") ? "COMMIT"
                : lx.wordIs("rollback") || lx.wordIs("abort") ? "ROLLBACK" : null;
        if (tag == null) {
            return null;
        }
        Kind k = lx.step();
        if (k == Kind.WORD && (lx.wordIs("work") || lx.wordIs("transaction"))) {
            k = lx.step();
        }
        while (k == Kind.SEMICOLON) {
            k = lx.step();
        }
        return k == null ? tag : null;
    }

    /**
     * True when {@code sql} is one SELECT (or VALUES, TABLE, or WITH ... SELECT) that writes
     * nothing. One pass over the SQL without building tokens: this runs on every autocommit
     * statement of a database with replicas.
     */
    public boolean isHarmlessSelect(String sql) {
        SqlLexer lx = SqlLexer.scanner(sql);
        Kind k = lx.step();
        while (k == Kind.LPAREN) {
            k = lx.step();
        }
        if (!(lx.wordIs("select") || lx.wordIs("with") || lx.wordIs("values") || lx.wordIs("table"))) {
            return false;
        }
        boolean ended = false; // a semicolon was seen: anything after it is a second statement
        boolean afterFor = false;
        boolean afterWord = false;
        boolean quoted = false;
        int wordStart = 0;
        int wordEnd = 0;
        for (; k != null; k = lx.step()) {
            if (k == Kind.SEMICOLON) {
                ended = true;
                continue;
            }
            if (ended) {
                return false; // batches go to the primary: one of them may write
            }
            if (k == Kind.LPAREN && afterWord && deniedCall(sql, wordStart, wordEnd, quoted)) {
                return false;
            }
            if (k == Kind.WORD) {
                if (afterFor && (lx.wordIs("update") || lx.wordIs("share") || lx.wordIs("no") || lx.wordIs("key"))) {
                    return false; // row locks need the primary
                }
                if (lx.wordIs("into") || isWriteKeyword(lx)) {
                    return false; // SELECT INTO creates a table; INSERT/UPDATE/DELETE inside WITH write
                }
                afterFor = lx.wordIs("for");
            } else {
                afterFor = false;
            }
            afterWord = k == Kind.WORD || k == Kind.QUOTED_IDENT; // "nextval"('s') is a call too
            quoted = k == Kind.QUOTED_IDENT;
            wordStart = lx.start();
            wordEnd = lx.end();
        }
        return true;
    }

    private static boolean isWriteKeyword(SqlLexer lx) {
        return lx.wordIs("insert") || lx.wordIs("update") || lx.wordIs("delete") || lx.wordIs("merge")
                || lx.wordIs("truncate");
    }

    /** A call of a denied function: the name before an opening parenthesis (allocates only for calls). */
    private boolean deniedCall(String sql, int start, int end, boolean quoted) {
        String f = quoted ? sql.substring(start + 1, Math.max(start + 1, end - 1)) // "name": case kept
                : sql.substring(start, end).toLowerCase(Locale.ROOT);
        return deny.contains(f) || f.startsWith("pg_advisory") || f.startsWith("pg_try_advisory");
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
