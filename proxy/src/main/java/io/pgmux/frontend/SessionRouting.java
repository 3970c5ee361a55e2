package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.backend.ServerConnection;
import io.pgmux.config.RoutingConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SyntheticResponse;
import io.pgmux.protocol.Wire;
import io.pgmux.routing.Backend;
import io.pgmux.routing.Cluster;
import io.pgmux.routing.Lsn;
import io.pgmux.routing.ReadOnlyClassifier;

import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import static io.pgmux.protocol.MessageTypes.*;

/**
 * Read/write splitting for one client of a database with replicas: at the first message of each
 * transaction (of the session, in session mode) it picks the server, from what the client declared
 * (a read-only session or transaction) or, with {@code autocommit_selects: replica}, from what the
 * {@link ReadOnlyClassifier} proves about a lone autocommit SELECT. Everything else goes to the
 * primary. It also keeps the client's read-your-writes position: after a transaction on the primary
 * that may have written, the primary's WAL insert position, so later reads only go to replicas that
 * have replayed it.
 *
 * <p>A plain {@code BEGIN} sent alone is answered here and held back until the next statement says
 * which server the transaction belongs on ({@code SET TRANSACTION READ ONLY}: a replica), then sent
 * ahead of it; a transaction that ends before saying anything never reaches a server.
 */
final class SessionRouting {
    private static final Logger LOG = Logger.getLogger(SessionRouting.class.getName());
    /** The insert position, not the write position: with synchronous_commit off the commit record may not be written yet. */
    static final String LSN_QUERY = "SELECT pg_catalog.pg_current_wal_insert_lsn()";

    /** The message of the pool's wait timeout error (see LoopPool). */
    private static final String QUERY_WAIT_TIMEOUT = "query_wait_timeout";

    /** What the client asked for at login (target_session_attrs, default_transaction_read_only). */
    enum Intent { ANY, READ_ONLY, PRIMARY }

    /** Ledger payload of the read-your-writes position query: its DataRow carries the LSN. */
    static final class LsnCapture {
        private LsnCapture() {
        }
    }

    private static final LsnCapture CAPTURE = new LsnCapture();
    /** A batch still incomplete at this size is not waited for: the primary takes it. */
    private static final int MAX_AWAITED_BATCH = 64 * 1024;
    private static final int NO = 0;
    private static final int YES = 1;
    private static final int INCOMPLETE = 2;
    /** A read larger than this is not kept for a retry. */
    private static final int MAX_RETRY_BYTES = 64 * 1024;

    private final ClientSession session;
    /** The database's shards (one for a database that is not sharded), each a primary with replicas. */
    private final Cluster[] shards;
    /** The shard of the transaction being started or run: {@link #useShard}. */
    private int shard;
    private Cluster cluster;
    private final UserConfig user;
    private final Intent intent;
    private final boolean sessionMode;
    /**
     * The database is sharded: every transaction chooses its shard, so every BEGIN is held back
     * until a statement names it, and the session sends one batch at a time.
     */
    private final boolean sharded;
    /** The held-back BEGIN itself declared READ ONLY (sharded databases hold back every BEGIN). */
    private boolean deferredReadOnly;
    /** Pools by shard, then by backend index; filled on first use. */
    private final Pool[][] pools;
    /** The server chosen for the transaction being started or run; null between transactions. */
    private Backend backend;
    /** The leased server's transactions are counted on {@link #leased} (least_outstanding). */
    private Backend leased;
    /** The current transaction runs on the primary and may write: capture the WAL position after it. */
    private boolean mayWrite;
    /** The current transaction was sent to a replica as a read (a failed replica may be swapped once). */
    private boolean read;
    private boolean rerouted;
    /** The last {@link #route} found the batch cut by the end of the input: the session waits for the rest. */
    private boolean undecided;
    /** An autocommit read on a replica, kept (as the client sent it) to be sent elsewhere if the replica fails. */
    private boolean retryable;
    private final java.util.List<ByteBuf> sent = new java.util.ArrayList<>(4);
    private int sentBytes;
    /** The session's client write count when the read started: a retry needs it unchanged. */
    private long clientMark;
    /** Read-your-writes position by shard (0: none), and until when it applies. */
    private final long[] minLsn;
    private final long[] minLsnUntilNanos;
    /** A BEGIN answered locally and not sent yet (the whole Query message), or null. */
    private byte[] deferredBegin;

    SessionRouting(ClientSession session, java.util.List<Cluster> shards, UserConfig user, Intent intent,
                   boolean sessionMode, boolean sharded) {
        this.session = session;
        this.sharded = sharded;
        this.shards = shards.toArray(new Cluster[0]);
        this.cluster = this.shards[0];
        this.user = user;
        this.intent = intent;
        this.sessionMode = sessionMode;
        this.pools = new Pool[this.shards.length][];
        for (int i = 0; i < this.shards.length; i++) {
            pools[i] = new Pool[this.shards[i].backends().size()];
        }
        this.minLsn = new long[this.shards.length];
        this.minLsnUntilNanos = new long[this.shards.length];
    }

    /** The next transaction goes to shard {@code i} (always 0 for a database that is not sharded). */
    void useShard(int i) {
        shard = i;
        cluster = shards[i];
    }

    int shard() {
        return shard;
    }

    /** The shard router found the batch cut: the session waits for the rest, as for {@link #route}. */
    void markUndecided() {
        undecided = true;
    }

    /** Decides what may run on a replica (the same rules on every shard). */
    ReadOnlyClassifier classifier() {
        return cluster.classifier();
    }

    /**
     * A pool on every shard, for a batch that runs on all of them: a server chosen for a read by
     * the read rules (read-your-writes included), else each shard's primary.
     */
    java.util.List<Pool> poolsForAllShards(boolean read) {
        int was = shard;
        java.util.List<Pool> out = new java.util.ArrayList<>(shards.length);
        for (int i = 0; i < shards.length; i++) {
            useShard(i);
            Backend b = read ? forReadQuietly() : cluster.primary();
            out.add(poolOf(b == null ? cluster.primary() : b));
        }
        useShard(was);
        return out;
    }

    // ---------------------------------------------------------------- choosing the server

    /**
     * The pool for the transaction that {@code buf[offset, offset+length)} starts (with the rest of
     * {@code buf} after it, which may hold the rest of its batch). Null when no server may take it
     * (a read with no usable replica and {@code fallback_to_primary: false}), or when the batch is
     * cut by the end of {@code buf} before its Sync: then {@link #undecided()} is true and the
     * session routes again with more input.
     */
    Pool route(byte type, ByteBuf buf, int offset, int length) {
        rerouted = false;
        mayWrite = false;
        read = false;
        undecided = false;
        releaseSent();
        backend = choose(type, buf, offset, length);
        if (undecided) {
            return null;
        }
        retryable = retryable && read && cluster.routing().retryReads();
        clientMark = session.clientWrites();
        return backend == null ? null : poolOf(backend);
    }

    private Backend choose(byte type, ByteBuf buf, int offset, int length) {
        retryable = false;
        if (intent == Intent.READ_ONLY) {
            return forRead();
        }
        if (intent == Intent.PRIMARY || sessionMode) {
            return forWrite();
        }
        ReadOnlyClassifier classifier = cluster.classifier();
        if (deferredBegin != null) {
            // BEGIN was held back: it said READ ONLY (sharded), or SET TRANSACTION READ ONLY makes it a read
            return deferredReadOnly || type == QUERY && classifier.setsTransactionReadOnly(queryText(buf, offset, length))
                    ? forRead() : forWrite();
        }
        RoutingConfig r = cluster.routing();
        boolean classifySelects = r.autocommitSelects() == RoutingConfig.Target.REPLICA
                || r.consistency() == RoutingConfig.Consistency.READ_YOUR_WRITES;
        String sql = switch (type) {
            case QUERY -> queryText(buf, offset, length);
            case PARSE -> parseText(buf, offset, length);
            default -> null;
        };
        if (sql != null && classifier.startsReadOnlyTransaction(sql)) {
            return forRead();
        }
        int verdict = !classifySelects ? NO : switch (type) {
            case QUERY -> classifier.isHarmlessSelect(sql) ? YES : NO;
            case PARSE, BIND -> harmlessBatch(classifier, buf, offset);
            default -> NO;
        };
        if (verdict == INCOMPLETE) {
            undecided = true; // the Sync is still to come: by the protocol the client sends it without waiting
            return null;
        }
        boolean harmless = verdict == YES;
        if (harmless) {
            // writes nothing: a replica may take it (and another one if it fails before answering),
            // or the primary without a position to record
            retryable = true;
            return r.autocommitSelects() == RoutingConfig.Target.REPLICA ? forRead() : cluster.primary();
        }
        return forWrite();
    }

    private Backend forWrite() {
        mayWrite = true;
        return cluster.primary();
    }

    private Backend forRead() {
        Backend b = forReadQuietly();
        read = b != null && b.role() == Backend.Role.REPLICA;
        return b;
    }

    /** {@link #forRead} without marking the transaction a read. */
    private Backend forReadQuietly() {
        long need = 0;
        if (minLsn[shard] != 0) {
            if (System.nanoTime() - minLsnUntilNanos[shard] < 0) {
                need = minLsn[shard];
            } else {
                minLsn[shard] = 0; // ryw_timeout passed: any replica will do again
            }
        }
        return cluster.forRead(need);
    }

    /**
     * Whether the extended-protocol batch starting at {@code offset} only reads: every Parse a
     * harmless SELECT, every Bind of a statement known to be one, nothing but Describe, Execute,
     * Close and Flush besides, up to its Sync. {@code YES}, {@code NO}, or {@code INCOMPLETE} when
     * {@code buf} ends before the Sync with nothing disqualifying so far. A Flush ending the input
     * answers {@code NO}: the client may wait for answers before sending the rest.
     */
    private int harmlessBatch(ReadOnlyClassifier classifier, ByteBuf buf, int offset) {
        int pos = offset;
        int end = buf.writerIndex();
        if (end - offset > MAX_AWAITED_BATCH) {
            end = offset + MAX_AWAITED_BATCH; // past this, INCOMPLETE turns to NO below
        }
        boolean unnamedHarmless = false;
        ClientStatements named = session.rewriter() == null ? null : session.rewriter().statements();
        while (end - pos >= HEADER_LENGTH) {
            byte type = buf.getByte(pos);
            int length = buf.getInt(pos + 1) + 1;
            if (length < HEADER_LENGTH) {
                return NO;
            }
            if (end - pos < length) {
                break;
            }
            int body = pos + HEADER_LENGTH;
            switch (type) {
                case PARSE -> {
                    int nameEnd = Wire.cStringEnd(buf, body, pos + length);
                    if (!classifier.isHarmlessSelect(Wire.readCString(buf, nameEnd + 1, pos + length))) {
                        return NO;
                    }
                    if (nameEnd == body) {
                        unnamedHarmless = true;
                    }
                }
                case BIND -> {
                    int nameStart = Wire.cStringEnd(buf, body, pos + length) + 1; // after the portal name
                    int nameEnd = Wire.cStringEnd(buf, nameStart, pos + length);
                    if (nameEnd == nameStart) {
                        if (!unnamedHarmless) {
                            return NO;
                        }
                    } else if (!harmlessStatement(classifier, named, buf.toString(nameStart, nameEnd - nameStart,
                            StandardCharsets.UTF_8))) {
                        return NO;
                    }
                }
                case SYNC -> {
                    return YES;
                }
                case FLUSH -> {
                    if (pos + length == buf.writerIndex()) {
                        return NO;
                    }
                }
                case DESCRIBE, EXECUTE, CLOSE -> {
                }
                default -> {
                    return NO;
                }
            }
            pos += length;
        }
        return end < buf.writerIndex() ? NO : INCOMPLETE;
    }

    /** A named statement's verdict, kept on the statement so a prepared SELECT is classified once. */
    private static boolean harmlessStatement(ReadOnlyClassifier classifier, ClientStatements named, String name) {
        PreparedStatement s = named == null ? null : named.get(name);
        if (s == null) {
            return false; // prepared in this batch, or unknown: the primary (a named Parse in a read batch is rare)
        }
        Boolean verdict = s.readOnly();
        if (verdict == null) {
            verdict = classifier.isHarmlessSelect(s.query());
            s.readOnly(verdict);
        }
        return verdict;
    }

    /** The SQL of the Query message at {@code offset}. */
    static String queryText(ByteBuf buf, int offset, int length) {
        return Wire.readCString(buf, offset + HEADER_LENGTH, offset + length);
    }

    /** The SQL of the Parse message at {@code offset}. */
    static String parseText(ByteBuf buf, int offset, int length) {
        int nameEnd = Wire.cStringEnd(buf, offset + HEADER_LENGTH, offset + length);
        return Wire.readCString(buf, nameEnd + 1, offset + length);
    }

    Pool poolOf(Backend b) {
        Pool p = pools[shard][b.index()];
        if (p == null) {
            p = session.context().pool(session.database(), user, b);
            pools[shard][b.index()] = p;
        }
        return p;
    }

    /**
     * The chosen replica's pool could not give a connection: take it out of rotation and, once per
     * transaction, choose again. Returns the new pool, or null when the failure stands.
     */
    Pool reroute(PgError error) {
        if (backend == null || backend.role() != Backend.Role.REPLICA || rerouted) {
            return null;
        }
        Backend failed = backend;
        // a wait for a busy replica's connection says nothing about its health: only connect failures count
        if (!QUERY_WAIT_TIMEOUT.equals(error.message()) && failed.markDown(error.message())) {
            LOG.warning(() -> session.database() + ": " + failed + " taken out of rotation: " + error.message());
        }
        rerouted = true;
        backend = forRead();
        return backend == null ? null : poolOf(backend);
    }

    // ---------------------------------------------------------------- one batch at a time, retries

    /**
     * True while the lease is on a replica chosen per transaction: then the session sends one batch
     * (up to Sync, or one Query) at a time and holds what follows until the answer is complete, so
     * a pipelined write after a read can never reach the replica: it chooses its server afresh.
     */
    boolean oneBatchAtATime() {
        return !sessionMode && (sharded
                || leased != null && leased.role() == Backend.Role.REPLICA && intent == Intent.ANY);
    }

    /** A client message going to the server; an autocommit read keeps it for a retry. */
    void onRequest(byte type, ByteBuf buf, int offset, int available, int length) {
        if (!retryable) {
            return;
        }
        if (available != length || sentBytes + length > MAX_RETRY_BYTES) {
            retryable = false;
            releaseSent();
            return;
        }
        sent.add(buf.retainedSlice(offset, length));
        sentBytes += length;
    }

    /**
     * The replica serving an autocommit read closed before any answer reached the client
     * ({@code clientWrites} unchanged): out of rotation, and the read, as the client sent it, for
     * another server. Null when no retry applies (the caller reports the failure).
     */
    java.util.List<ByteBuf> retryRead(long clientWrites) {
        if (!mayRetry(clientWrites)) {
            retryable = false;
            releaseSent();
            return null;
        }
        Backend failed = backend;
        if (failed.markDown("connection lost during a read")) {
            LOG.warning(() -> session.database() + ": " + failed + " closed a connection during a read; "
                    + "out of rotation until its next check, the read goes to another server");
        }
        rerouted = true;
        retryable = false;
        if (leased != null) {
            leased.end();
            leased = null;
        }
        backend = forRead();
        if (backend == null) {
            releaseSent();
            return null;
        }
        java.util.List<ByteBuf> out = new java.util.ArrayList<>(sent);
        sent.clear();
        sentBytes = 0;
        return out;
    }

    boolean mayRetry(long clientWrites) {
        return retryable && !rerouted && !sent.isEmpty() && clientWrites == clientMark;
    }

    /** The pool of the server chosen last. */
    Pool pool() {
        return poolOf(backend);
    }

    private void releaseSent() {
        for (ByteBuf b : sent) {
            b.release();
        }
        sent.clear();
        sentBytes = 0;
    }

    // ---------------------------------------------------------------- leases

    /** A server of the chosen backend is attached: count the transaction, send a held BEGIN first. */
    void onAttached(ServerConnection c) {
        leased = backend;
        if (leased != null) {
            leased.begin();
        }
        if (deferredBegin != null) {
            c.write(c.channel().alloc().buffer(deferredBegin.length).writeBytes(deferredBegin));
            c.ledger().addSwallowed(ResponseLedger.QUERY, null);
            deferredBegin = null;
        }
    }

    /** The server went back (or away). */
    void onReleased() {
        if (leased != null) {
            leased.end();
            leased = null;
        }
        backend = null;
        retryable = false;
        releaseSent();
    }

    // ---------------------------------------------------------------- read-your-writes

    /**
     * At the end of a transaction on the primary that may have written, with read-your-writes on:
     * asks the primary for its WAL position (swallowed; its ReadyForQuery comes back through the
     * session as usual). Returns true when asked, so the server stays until the answer.
     */
    boolean captureLsn(ServerConnection c) {
        RoutingConfig r = cluster.routing();
        if (!mayWrite || r.consistency() != RoutingConfig.Consistency.READ_YOUR_WRITES || r.rywTimeout().isZero()) {
            return false;
        }
        mayWrite = false;
        c.write(FrontendMessages.query(c.channel().alloc(), LSN_QUERY));
        c.ledger().addSwallowed(ResponseLedger.QUERY, CAPTURE);
        c.flush();
        return true;
    }

    /** The position query's DataRow: {@code buf[offset, offset+length)} is the whole message. */
    void onLsnRow(ByteBuf buf, int offset, int length) {
        int columns = buf.getUnsignedShort(offset + 5);
        int size = columns < 1 ? -1 : buf.getInt(offset + 7);
        if (size <= 0 || 11 + size > length) {
            return;
        }
        long lsn = Lsn.parse(buf.toString(offset + 11, size, StandardCharsets.US_ASCII));
        if (lsn != 0) {
            minLsn[shard] = lsn;
            minLsnUntilNanos[shard] = System.nanoTime() + cluster.routing().rywTimeout().toNanos();
        }
    }

    /** The position query failed (a primary that is no longer one): reads go to the primary for a while. */
    void onLsnError() {
        minLsn[shard] = -1L; // reached by no replica: forRead answers the primary until ryw_timeout
        minLsnUntilNanos[shard] = System.nanoTime() + cluster.routing().rywTimeout().toNanos();
    }

    /** The client's read-your-writes position (0: none), for the admin console. */
    long minLsn() {
        return minLsn[shard];
    }

    // ---------------------------------------------------------------- BEGIN held back

    /**
     * A Query with no server attached: a plain BEGIN is answered and held back; a COMMIT or
     * ROLLBACK of a held-back BEGIN is answered without a server. Returns true when answered.
     */
    boolean answerWithoutServer(ByteBuf buf, int offset, int length) {
        if (sessionMode || intent != Intent.ANY && !sharded) {
            return false;
        }
        String sql = queryText(buf, offset, length);
        ReadOnlyClassifier classifier = cluster.classifier();
        if (deferredBegin == null) {
            if (!(sharded ? classifier.isBeginAlone(sql) : classifier.isOpenBegin(sql))) {
                return false;
            }
            deferredReadOnly = sharded && classifier.startsReadOnlyTransaction(sql);
            deferredBegin = new byte[length];
            buf.getBytes(offset, deferredBegin);
            return session.answerLocally(SyntheticResponse.commandComplete("BEGIN"));
        }
        String end = classifier.endsTransaction(sql);
        if (end == null) {
            return false;
        }
        deferredBegin = null;
        return session.answerLocally(SyntheticResponse.commandComplete(end));
    }

    /** The status a locally answered ReadyForQuery carries: 'T' while a BEGIN is held back. */
    byte localStatus() {
        return deferredBegin != null ? io.pgmux.protocol.ReadyForQuery.IN_TRANSACTION : io.pgmux.protocol.ReadyForQuery.IDLE;
    }

    boolean undecided() {
        return undecided;
    }

    Backend backend() {
        return backend;
    }

    boolean isRead() {
        return read;
    }

    static boolean isCapture(Object payload) {
        return payload == CAPTURE;
    }
}
