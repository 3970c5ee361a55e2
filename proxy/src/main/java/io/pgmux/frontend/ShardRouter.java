package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.config.ShardingConfig;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.SyntheticResponse;
import io.pgmux.protocol.Wire;
import io.pgmux.routing.ReadOnlyClassifier;
import io.pgmux.routing.SqlLexer;
import io.pgmux.sharding.BindParameters;
import io.pgmux.sharding.ScatterPlan;
import io.pgmux.sharding.ScatterPlanner;
import io.pgmux.sharding.ShardHint;
import io.pgmux.sharding.ShardResolver;
import io.pgmux.sharding.ShardedDatabase;

import static io.pgmux.protocol.MessageTypes.*;

/**
 * Which shard each transaction of one client runs on. At a transaction's first message
 * ({@link #decide}) the shard comes from, in this order: the session's {@code SET pgmux.shard} /
 * {@code SET pgmux.shard_key}, a {@code pgmux:} comment, the key in the statement (a {@code $n} key
 * read from the Bind that follows). A transaction stays on that shard: a later statement that maps
 * to another one is refused ({@link #check}), and the server itself raises the error so the
 * transaction fails as any failed statement makes it fail. A statement without a key that reads
 * (a SELECT the classifier proves harmless, outside a transaction) runs on every shard and the
 * results are merged ({@link ScatterRun}); any other statement without a key is refused, except
 * those that touch no table (SET, SHOW, SELECT without FROM), which run on the session's shard or
 * shard 0.
 */
final class ShardRouter {
    /** {@link #decide}: the rest of the batch (its Bind, its Sync) has not arrived yet. */
    static final int WAIT = -1;
    /** {@link #decide}: run the batch on every shard and merge the results ({@link #plan()}). */
    static final int SCATTER = -2;
    /** {@link #decide}: run the batch on every shard, for DDL and maintenance ({@code all_shards}). */
    static final int ALL_SHARDS = -3;
    /** A batch still incomplete at this size is decided without the rest. */
    private static final int MAX_AWAITED_BATCH = 64 * 1024;

    private final ClientSession session;
    private final ShardedDatabase db;
    /** {@code SET pgmux.shard} / {@code pgmux.shard_key} for the session; -1 when unset. */
    private int sessionShard = -1;
    /** {@code SET LOCAL ...}: until the transaction ends; -1 when unset. */
    private int localShard = -1;
    /** The shard of the transaction in progress; -1 between transactions. */
    private int bound = -1;
    /** An error the server must raise in place of the transaction's first message, or null. */
    private PgError pending;
    private ScatterPlan.Mergeable plan;
    /** The end of the batch {@link #decide} looked at (after its Sync), for a scatter. */
    private int batchEnd;
    /** The text of the last unnamed Parse, for a Bind of the unnamed statement. */
    private String unnamedSql;
    /** An error was injected in this extended-protocol batch: nothing more to check until Sync. */
    private boolean failedBatch;

    ShardRouter(ClientSession session, ShardedDatabase db) {
        this.session = session;
        this.db = db;
    }

    ShardedDatabase database() {
        return db;
    }

    // ---------------------------------------------------------------- SET pgmux.*

    /**
     * A Query with no server attached: {@code SET}/{@code RESET pgmux.*} is answered here, like a
     * server answers a SET. Returns true when answered.
     */
    boolean answerWithoutServer(ByteBuf buf, int offset, int length) {
        Object answer = mentionsPgmuxSetting(buf, offset, length) ? setting(SessionRouting.queryText(buf, offset, length)) : null;
        if (answer == null) {
            return false;
        }
        return session.answerLocally(answer instanceof PgError e ? SyntheticResponse.error(e)
                : SyntheticResponse.commandComplete((String) answer));
    }

    /**
     * An unnamed Parse with no server attached: a {@code SET}/{@code RESET pgmux.*} sent with the
     * extended protocol (pgjdbc's default) is applied here. Returns null when the Parse is something
     * else, else the command tag to answer its Execute with, or the error to answer it with.
     */
    Object settingFromParse(ByteBuf buf, int offset, int length) {
        return isUnnamedParse(buf, offset) && mentionsPgmuxSetting(buf, offset, length)
                ? setting(SessionRouting.parseText(buf, offset, length)) : null;
    }

    /**
     * A Query on a server in a transaction: a {@code SET pgmux.*} is answered in the server's turn
     * (the server never sees it). Returns the synthetic answer, an error to raise, or null when the
     * query is something else.
     */
    Object onQueryInTransaction(ByteBuf buf, int offset, int length) {
        if (!mentionsPgmuxSetting(buf, offset, length)) {
            return null;
        }
        int oldSession = sessionShard;
        int oldLocal = localShard;
        Object answer = setting(SessionRouting.queryText(buf, offset, length));
        if (answer instanceof String && effectiveShard() >= 0 && effectiveShard() != bound) {
            PgError error = crossShard(effectiveShard());
            sessionShard = oldSession; // refused: as if never sent
            localShard = oldLocal;
            return error;
        }
        return answer instanceof String tag ? SyntheticResponse.commandComplete(tag) : answer;
    }

    /**
     * Applies {@code sql} when it sets or resets a {@code pgmux.*} setting: returns its command tag
     * ({@code SET} or {@code RESET}), the error it fails with, or null when it is something else.
     */
    private Object setting(String sql) {
        ShardHint hint = db.hint(sql);
        PgError error = applySetting(hint);
        if (error == NOT_A_SETTING) {
            return null;
        }
        return error != null ? error : hint instanceof ShardHint.ResetShard ? "RESET" : "SET";
    }

    private static final PgError NOT_A_SETTING = PgError.error(SqlState.INTERNAL_ERROR, "not a pgmux setting");

    private PgError applySetting(ShardHint hint) {
        if (hint instanceof ShardHint.SetShard s) {
            if (s.shard() < 0 || s.shard() >= db.shardCount()) {
                return noSuchShard(s.shard());
            }
            setShard(s.shard(), s.local());
        } else if (hint instanceof ShardHint.SetShardKey k) {
            int shard = db.shardOfKey(k.key());
            if (shard < 0) {
                return PgError.error(SqlState.INVALID_PARAMETER_VALUE, "invalid value for parameter \"pgmux.shard_key\": \""
                        + k.key() + "\"").withHint("the key must be a valid "
                        + db.keyType().name().toLowerCase(java.util.Locale.ROOT) + " (sharding.key_type)");
            }
            setShard(shard, k.local());
        } else if (hint instanceof ShardHint.ResetShard) {
            sessionShard = -1;
            localShard = -1;
        } else if (hint instanceof ShardHint.BadShardSetting b) {
            return PgError.error(SqlState.INVALID_PARAMETER_VALUE, b.message());
        } else {
            return NOT_A_SETTING;
        }
        return null;
    }

    private void setShard(int shard, boolean local) {
        if (local) {
            localShard = shard;
        } else {
            sessionShard = shard;
        }
    }

    /** Cheap test before the extractor runs: the query names a {@code pgmux.} setting. */
    private static boolean mentionsPgmuxSetting(ByteBuf buf, int offset, int length) {
        int from = offset + HEADER_LENGTH;
        int to = offset + length;
        for (int i = from; i + 6 <= to; i++) {
            byte b = buf.getByte(i);
            if ((b == 'p' || b == 'P') && regionIs(buf, i, "pgmux.")) {
                return true;
            }
        }
        return false;
    }

    private static boolean regionIs(ByteBuf buf, int at, String lower) {
        for (int k = 0; k < lower.length(); k++) {
            if (Character.toLowerCase((char) buf.getByte(at + k)) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private int effectiveShard() {
        return localShard >= 0 ? localShard : sessionShard;
    }

    // ---------------------------------------------------------------- a transaction's first message

    /**
     * The shard for the transaction that {@code buf[offset, offset+length)} starts (the rest of its
     * batch may follow in {@code buf}), or {@link #WAIT}, {@link #SCATTER} or {@link #ALL_SHARDS}.
     * A shard comes with {@link #takePending()} set when the statement must be refused there.
     *
     * @param inTransaction a BEGIN was answered and held back: the statement is inside a transaction
     */
    int decide(byte type, ByteBuf buf, int offset, int length, boolean inTransaction, ReadOnlyClassifier classifier) {
        pending = null;
        plan = null;
        failedBatch = false;
        String sql = null;
        ShardResolver.Params params = ShardResolver.NO_PARAMS;
        batchEnd = offset + length;
        if (type == QUERY) {
            sql = SessionRouting.queryText(buf, offset, length);
        } else if (type == PARSE || type == BIND) {
            batchEnd = batchEnd(buf, offset);
            if (batchEnd < 0 && buf.writerIndex() - offset < MAX_AWAITED_BATCH) {
                return WAIT;
            }
            int end = batchEnd < 0 ? buf.writerIndex() : batchEnd;
            int at = type == PARSE ? keyedParse(buf, offset, end) : offset;
            inTransaction |= at != offset; // a BEGIN came first in the batch (pgjdbc with autocommit off)
            int atLength = buf.getInt(at + 1) + 1;
            int bindAt = type == BIND ? offset : findBind(buf, at, end);
            sql = type == PARSE ? SessionRouting.parseText(buf, at, atLength) : statementText(buf, offset, length);
            if (type == PARSE && isUnnamedParse(buf, offset)) {
                unnamedSql = SessionRouting.parseText(buf, offset, length);
            }
            if (bindAt >= 0) {
                params = new BindParameters(buf, bindAt, buf.getInt(bindAt + 1) + 1);
            }
        }
        ShardHint hint = sql == null ? ShardHint.NONE : db.hint(sql);
        int shard = effectiveShard();
        if (shard < 0) {
            shard = keyedShard(hint, params);
        }
        if (shard >= 0) {
            return bind(shard);
        }
        if (pending != null) {
            return bind(0);
        }
        boolean allShards = hint instanceof ShardHint.AllShards;
        if (sql == null || !touchesTables(sql)) {
            if (inTransaction && sql != null) {
                // the statements after it may name any shard: binding the transaction now would guess
                return refuse(noKey().withHint("the first statement of a transaction on a sharded database must"
                        + " name its shard; or SET pgmux.shard / pgmux.shard_key before BEGIN"));
            }
            return bind(0); // SET, SHOW, SELECT now(), Sync...: any shard answers alike
        }
        boolean read = classifier.isHarmlessSelect(sql);
        boolean everyShard = allShards || read && db.config().noKey() == ShardingConfig.NoKey.SCATTER;
        if (everyShard && type == BIND && session.rewriter() == null) {
            // the shards do not have the statement this Bind names; pgmux sends batches as they come
            return refuse(PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "a statement without a shard key runs on every"
                    + " shard only when its Parse comes in the same batch as its Bind")
                    .withHint("pgjdbc: prepareThreshold=0 for such queries; or give a shard key"));
        }
        if (read && everyShard) {
            return scatter(sql, inTransaction);
        }
        if (allShards) {
            if (inTransaction) {
                return refuse(PgError.error(SqlState.FEATURE_NOT_SUPPORTED,
                        "an all_shards statement cannot run inside a transaction block"));
            }
            return ALL_SHARDS;
        }
        return refuse(noKey());
    }

    /** An extended batch that must run on every shard but never reached its Sync within 64 kB: refused on shard 0. */
    void refuseUnfinishedBatch() {
        plan = null;
        pending = PgError.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "a batch without a shard key must end with Sync"
                + " within " + MAX_AWAITED_BATCH / 1024 + " kB to run on every shard");
        bound = 0;
    }

    private int scatter(String sql, boolean inTransaction) {
        if (inTransaction) {
            return refuse(noKey().withHint("a read without a shard key runs on every shard only outside a transaction"
                    + " block; give a key, or SET pgmux.shard before BEGIN"));
        }
        ScatterPlan p = ScatterPlanner.plan(sql);
        if (p instanceof ScatterPlan.Unmergeable u) {
            return refuse(PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "cannot merge the results of this query across the shards of database \""
                    + db.name() + "\": " + u.reason()).withHint(KEY_HINT));
        }
        plan = (ScatterPlan.Mergeable) p;
        return SCATTER;
    }

    private static final String KEY_HINT = "give a shard key (WHERE <key column> = ..., /* pgmux: shard_key=... */,"
            + " SET pgmux.shard_key), or choose a shard with /* pgmux: shard=N */";

    private PgError noKey() {
        return PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "no shard key in statement for sharded database \""
                + db.name() + "\"").withHint(KEY_HINT);
    }

    private int refuse(PgError error) {
        pending = error;
        return bind(0);
    }

    private int bind(int shard) {
        bound = shard;
        return shard;
    }

    /** The shard of {@code hint}'s keys, or -1 (no key, or keys on several shards; {@link #pending} set for a bad one). */
    private int keyedShard(ShardHint hint, ShardResolver.Params params) {
        if (hint instanceof ShardHint.ExplicitShard e) {
            if (e.shard() < 0 || e.shard() >= db.shardCount()) {
                pending = noSuchShard(e.shard());
                return -1;
            }
            return e.shard();
        }
        if (hint instanceof ShardHint.Keys k) {
            return Math.max(db.shardOf(k.keys(), params), -1);
        }
        if (hint instanceof ShardHint.SetShard || hint instanceof ShardHint.SetShardKey
                || hint instanceof ShardHint.ResetShard) {
            pending = PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "SET pgmux.* must be sent as a simple query");
        } else if (hint instanceof ShardHint.BadShardSetting b) {
            pending = PgError.error(SqlState.INVALID_PARAMETER_VALUE, b.message());
        }
        return -1;
    }

    private PgError noSuchShard(int shard) {
        return PgError.error(SqlState.INVALID_PARAMETER_VALUE, "shard " + shard + " does not exist: database \""
                + db.name() + "\" has shards 0 to " + (db.shardCount() - 1));
    }

    /** The error to raise in place of the message {@link #decide} looked at, once; or null. */
    PgError takePending() {
        PgError e = pending;
        pending = null;
        if (e != null) {
            failedBatch = true;
        }
        return e;
    }

    ScatterPlan.Mergeable plan() {
        return plan;
    }

    /** Where the batch {@link #decide} looked at ends (after its Sync), or -1 when it is cut. */
    int batchEnd() {
        return batchEnd;
    }

    // ---------------------------------------------------------------- inside the transaction

    /**
     * A message on its way to the transaction's server: null when it may go, or the error the
     * server must raise instead (it maps to another shard).
     */
    PgError check(byte type, ByteBuf buf, int offset, int length) {
        if (type == SYNC) {
            failedBatch = false;
            return null;
        }
        if (type == PARSE) {
            if (isUnnamedParse(buf, offset)) {
                unnamedSql = SessionRouting.parseText(buf, offset, length);
            }
            return null;
        }
        if ((type != QUERY && type != BIND) || failedBatch || bound < 0) {
            return null;
        }
        String sql = type == QUERY ? SessionRouting.queryText(buf, offset, length) : statementText(buf, offset, length);
        if (sql == null) {
            return null;
        }
        int shard = effectiveShard();
        ShardHint hint = db.hint(sql);
        if (shard < 0) {
            pending = null;
            shard = keyedShard(hint, type == BIND ? new BindParameters(buf, offset, length) : ShardResolver.NO_PARAMS);
            if (pending != null) {
                return fail(takePending());
            }
        }
        if (shard >= 0 && shard != bound) {
            return fail(crossShard(shard));
        }
        if (hint instanceof ShardHint.AllShards) {
            return fail(PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "an all_shards statement cannot run inside a transaction block"));
        }
        return null;
    }

    private PgError fail(PgError e) {
        failedBatch = true;
        return e;
    }

    private PgError crossShard(int shard) {
        return PgError.error(SqlState.FEATURE_NOT_SUPPORTED, "transaction is bound to shard " + bound + " of database \""
                + db.name() + "\"; this statement maps to shard " + shard)
                .withHint("a transaction runs on one shard; run this statement in a transaction of its own");
    }

    /** The transaction ended (its server went back): the next one chooses its shard afresh. */
    void onTransactionEnd() {
        bound = -1;
        localShard = -1;
        failedBatch = false;
    }

    int bound() {
        return bound;
    }

    // ---------------------------------------------------------------- reading messages

    /** The statement a Bind names: the last unnamed Parse's, or a named one the client prepared. */
    private String statementText(ByteBuf buf, int offset, int length) {
        String name = BindParameters.statementName(buf, offset, length);
        if (name.isEmpty()) {
            return unnamedSql;
        }
        StatementRewriter rewriter = session.rewriter();
        PreparedStatement s = rewriter == null ? null : rewriter.statements().get(name);
        return s == null ? null : s.query();
    }

    private static boolean isUnnamedParse(ByteBuf buf, int offset) {
        return buf.getByte(offset + HEADER_LENGTH) == 0;
    }

    /** The end of the batch starting at {@code offset} (just after its Sync), or -1 when {@code buf} ends first. */
    static int batchEnd(ByteBuf buf, int offset) {
        int end = buf.writerIndex();
        for (int pos = offset, next; (next = messageEnd(buf, pos, end)) > 0; pos = next) {
            if (buf.getByte(pos) == SYNC) {
                return next;
            }
        }
        return -1;
    }

    /**
     * The Parse of the batch's first statement that may name a shard: drivers send BEGIN in the
     * same batch as the transaction's first statement (pgjdbc: Parse BEGIN, Bind, Execute, Parse
     * the statement...). The first Parse when every one is transaction control or touches no table.
     */
    private static int keyedParse(ByteBuf buf, int offset, int end) {
        for (int pos = offset, next; (next = messageEnd(buf, pos, end)) > 0; pos = next) {
            if (buf.getByte(pos) == PARSE && touchesTables(SessionRouting.parseText(buf, pos, next - pos))) {
                return pos;
            }
        }
        return offset;
    }

    /** The first Bind between {@code offset} and {@code end}, or -1. */
    private static int findBind(ByteBuf buf, int offset, int end) {
        for (int pos = offset, next; (next = messageEnd(buf, pos, end)) > 0; pos = next) {
            if (buf.getByte(pos) == BIND) {
                return pos;
            }
        }
        return -1;
    }

    /** The end of the whole message at {@code pos}, or -1 when {@code end} comes first (or its length is invalid). */
    private static int messageEnd(ByteBuf buf, int pos, int end) {
        if (end - pos < HEADER_LENGTH) {
            return -1;
        }
        int length = buf.getInt(pos + 1) + 1;
        return length < HEADER_LENGTH || end - pos < length ? -1 : pos + length;
    }

    /**
     * False for statements that touch no table, so any shard answers them alike: SET, SHOW, RESET,
     * DISCARD, transaction control, a SELECT without FROM.
     */
    static boolean touchesTables(String sql) {
        SqlLexer lx = SqlLexer.scanner(sql);
        SqlLexer.Kind k = lx.step();
        if (k != SqlLexer.Kind.WORD) {
            return k == SqlLexer.Kind.LPAREN;
        }
        for (String w : NO_TABLE_COMMANDS) {
            if (lx.wordIs(w)) {
                return false;
            }
        }
        if (!lx.wordIs("select")) {
            return true;
        }
        int depth = 0;
        while ((k = lx.step()) != null) {
            if (k == SqlLexer.Kind.LPAREN) {
                depth++;
            } else if (k == SqlLexer.Kind.RPAREN) {
                depth--;
            } else if (k == SqlLexer.Kind.WORD && lx.wordIs("from")) {
                return true; // at any depth: SELECT (SELECT count(*) FROM t) reads a table too
            } else if (k == SqlLexer.Kind.SEMICOLON) {
                return lx.step() != null; // another statement follows: not provably table-free
            }
        }
        return false;
    }

    private static final String[] NO_TABLE_COMMANDS = {"set", "show", "reset", "discard", "begin", "start", "commit",
        "rollback", "end", "abort", "savepoint", "release", "deallocate", "listen", "unlisten"};
}
