package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerListener;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolClient;
import io.pgmux.pool.PoolMode;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.resilience.FailureClassifier;
import io.pgmux.resilience.FailureKind;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.SyntheticResponse;

import java.util.ArrayDeque;
import java.util.logging.Logger;

/**
 * One logged-in client: the state machine that leases server connections from its pool, forwards
 * traffic both ways and gives the server back at the right moment (see {@link State}).
 *
 * <p>Everything runs on the client channel's event loop, which is also the loop of every server
 * connection it leases (pools are partitioned per loop), so nothing here is shared between threads
 * except the fields read by the admin console.
 */
public final class ClientSession implements ServerListener, PoolClient {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());

    /**
     * IDLE: no server (transaction mode between transactions). WAITING: asked the pool, input held.
     * ACTIVE: holds a server. CLOSED: the client is gone; a held server may still be rolled back or
     * reset before it goes back to the pool.
     */
    public enum State { IDLE, WAITING, ACTIVE, CLOSED }

    private static final int BLOCK_WAITING = 1;
    private static final int BLOCK_SERVER_FULL = 2;
    /** Input held while waiting for a server beyond which the client is no longer read. */
    private static final int MAX_PENDING_BYTES = 256 * 1024;

    private final Channel client;
    private final SessionContext context;
    /** The primary's pool: the client's home, and the one serving it when its database has no replicas. */
    private final Pool home;
    /** The pool of the server held or waited for; {@link #home} between transactions. */
    private Pool pool;
    /** Read/write splitting; null when the database has no replicas. */
    private final SessionRouting routing;
    /** Which shard each transaction runs on; null for a database that is not sharded. */
    private final ShardRouter shards;
    /** A batch running on every shard at once; the client's input waits for its answer. */
    private ScatterRun scatter;
    private final ClientParameters parameters;
    private final long cancelKey;
    private final String user;
    private final String database;
    private final long connectedAtMillis = System.currentTimeMillis();
    /**
     * When the client last sent anything (SHOW CLIENTS' request_time), 0 before its first request.
     * Written on the client's loop, read by the admin console without a barrier: a slightly stale
     * value is fine there, a volatile store per read is not free.
     */
    private long lastReadNanos;
    /** The client's application_name as its server reports it (SHOW CLIENTS), read by the admin console. */
    private volatile String applicationName;
    private final RequestForwarder requests;
    private final ResponseForwarder responses;
    private final SessionSql sql;
    private final ServerCleanup cleanup = new ServerCleanup(this);
    private final PlanRetry planRetry = new PlanRetry();
    private final SessionTimer timer = new SessionTimer(this);
    private final ArrayDeque<ByteBuf> pendingInput = new ArrayDeque<>();
    private int pendingBytes;
    /** Input held while a replica answers the previous batch (see {@link SessionRouting#oneBatchAtATime}). */
    private boolean heldAtBoundary;
    /** Held input is being fed again: what is held anew goes before the rest. */
    private boolean replaying;
    /** The start of a batch whose server routing cannot choose before its Sync arrives (a copy, at most 64 kB). */
    private ByteBuf awaitedBatch;
    /** Counts writes to the client: a read may be retried elsewhere only while nothing reached the client. */
    private long clientWrites;
    private volatile State state = State.IDLE;
    private ServerConnection server;
    private int readBlockers;
    private boolean serverWritten;
    private boolean clientWritten;
    private boolean releaseAfterRead;
    private boolean closeAfterRead;
    private boolean draining;
    private boolean serverFatalSeen;
    /** When the server got work with nothing pending (query time), and when the transaction began. */
    private long busySince;
    /** This lease's server already counted a failure against its breaker (its closing is not another). */
    private boolean serverFailureCounted;
    private long transactionSince;
    /** The client's last read or the last ReadyForQuery, whichever is later: the idle timeouts' clock. */
    private long quietSince = System.nanoTime();
    /** True while server bytes are being framed: the server must not change hands until that ends. */
    private boolean inServerFeed;

    ClientSession(Channel client, SessionContext context, Pool pool, ClientParameters parameters, long cancelKey,
                  String user, String database) {
        this(client, context, pool, parameters, cancelKey, user, database, null, SessionRouting.Intent.ANY);
    }

    /**
     * @param userConfig the client's user (the credentials of replica pools); may be null without replicas
     * @param intent     what the client asked for at login (read-only session, primary only)
     */
    ClientSession(Channel client, SessionContext context, Pool pool, ClientParameters parameters, long cancelKey,
                  String user, String database, io.pgmux.config.UserConfig userConfig, SessionRouting.Intent intent) {
        this.client = client;
        this.context = context;
        this.home = pool;
        this.pool = pool;
        this.parameters = parameters;
        this.applicationName = parameters.get("application_name");
        this.cancelKey = cancelKey;
        this.user = user;
        this.database = database;
        this.requests = new RequestForwarder(this, context.config().limits().maxMessageSize());
        this.responses = new ResponseForwarder(this, client);
        this.sql = new SessionSql(this, pool.settings());
        java.util.List<io.pgmux.routing.Cluster> clusters = context.clusters(database);
        io.pgmux.sharding.ShardedDatabase sharding = context.sharding(database);
        this.routing = clusters.isEmpty() ? null : new SessionRouting(this, clusters, userConfig, intent,
                pool.settings().mode() == PoolMode.SESSION, sharding != null);
        this.shards = sharding == null || routing == null ? null : new ShardRouter(this, sharding);
    }

    void start() {
        context.cancels().register(cancelKey, this);
        context.clients().add(this);
        timer.rearm();
    }

    // ---------------------------------------------------------------- client side

    /** Bytes from the client socket (counted once; held input replays through {@link #onClientData}). */
    void onClientRead(ByteBuf in) {
        long now = System.nanoTime();
        quietSince = now; // one stamp per read: SessionTimer decides later, without a timer per message
        lastReadNanos = now;
        pool.stats().bytesFromClients.add(in.readableBytes());
        onClientData(in);
    }

    void onClientData(ByteBuf in) {
        if (state == State.CLOSED) {
            in.release();
            return;
        }
        if (state == State.WAITING || heldAtBoundary) {
            hold(in);
            return;
        }
        if (awaitedBatch != null) {
            in = withAwaitedBatch(in);
        }
        int end = in.writerIndex();
        int stop;
        try {
            stop = requests.feed(in);
        } catch (PgException e) {
            in.release();
            closeWith(e.error());
            return;
        }
        if (server == null && routing != null && routing.undecided() && state != State.CLOSED) {
            // routing waits for the rest of the batch. A first message the framer assembled from
            // several reads was looked at alone: look again with what followed it, in one buffer
            ByteBuf first = requests.takeHeldMessage();
            ByteBuf rest = in.retainedSlice(stop, end - stop);
            in.release();
            if (first == null) {
                awaitedBatch = rest;
            } else {
                onClientData(joined(first, rest));
            }
            return;
        }
        if ((stop < end || requests.holdsMessage()) && state != State.CLOSED) {
            hold(in.retainedSlice(stop, end - stop));
            in.release();
            if (server != null) {
                heldAtBoundary = true; // a replica's batch is out: the rest waits for its answer
            } else if (scatter == null) {
                state = State.WAITING;
                pool.acquire(this);
            }
        } else {
            in.release();
        }
    }

    /** The awaited start of a batch followed by {@code in}, in one buffer, so routing sees them together. */
    private ByteBuf withAwaitedBatch(ByteBuf in) {
        ByteBuf start = awaitedBatch;
        awaitedBatch = null;
        return joined(start, in);
    }

    /** {@code a} then {@code b} copied into one buffer (at most a batch's first 64 kB); releases both. */
    private ByteBuf joined(ByteBuf a, ByteBuf b) {
        ByteBuf all = client.alloc().buffer(a.readableBytes() + b.readableBytes());
        all.writeBytes(a).writeBytes(b);
        a.release();
        b.release();
        return all;
    }

    /** Keeps input while waiting for a server; a client that keeps sending is paused past a bound. */
    private void hold(ByteBuf in) {
        if (replaying) {
            pendingInput.addFirst(in); // the rest of the buffer being fed comes before what is still held
        } else {
            pendingInput.add(in);
        }
        pendingBytes += in.readableBytes();
        if (pendingBytes > MAX_PENDING_BYTES) {
            block(BLOCK_WAITING);
        }
    }

    void onClientReadComplete() {
        if (serverWritten && server != null) {
            serverWritten = false;
            server.flush();
        }
        flushClient(); // answers pgmux gave itself (ParseComplete, ReadyForQuery without a server)
    }

    void onClientWritabilityChanged(boolean writable) {
        if (writable && server != null && !server.channel().config().isAutoRead()) {
            server.channel().config().setAutoRead(true);
        }
    }

    /** The client channel closed (or the client sent Terminate). Idempotent. */
    void onClientClosed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        timer.stop();
        context.cancels().unregister(cancelKey);
        context.clients().remove(this);
        context.clients().disconnected();
        context.clients().leave(user, database); // admitted by the LoginHandler
        ByteBuf b;
        while ((b = pendingInput.poll()) != null) {
            b.release();
        }
        if (awaitedBatch != null) {
            awaitedBatch.release();
            awaitedBatch = null;
        }
        if (server != null) {
            cleanup.start(server, requests.inMessage(), mode() == PoolMode.SESSION || sql.pinned());
        }
        requests.release();
        planRetry.abandon();
        sql.releaseLogged();
    }

    void terminate() {
        onClientClosed();
        client.close();
    }

    // ---------------------------------------------------------------- pool side

    /**
     * A transaction's first message ({@code buf[offset, offset+length)}, the rest of the batch may
     * follow in {@code buf}) needs a server: with replicas, choose which; then the fast path, an idle
     * server on this loop taken at once, so the message is forwarded in the same pass (no held
     * input, no pause of the client socket). False when the session must wait (or was closed).
     */
    boolean attachIdleServer(byte type, ByteBuf buf, int offset, int length) {
        if (routing != null) {
            if (shards != null && !chooseShard(type, buf, offset, length)) {
                return false;
            }
            Pool chosen = routing.route(type, buf, offset, length);
            if (chosen == null && routing.undecided()) {
                return false; // the batch's Sync has not arrived: wait for more input (onClientData)
            }
            if (chosen == null) {
                closeWith(PgError.fatal(SqlState.CONNECTION_FAILURE, "no replica of database \"" + database
                        + "\" is usable").withHint("with routing.fallback_to_primary: true reads go to the primary then"));
                return false;
            }
            pool = chosen;
        }
        ServerConnection c = pool.tryAcquireIdle(client.eventLoop());
        if (c == null) {
            return false;
        }
        attach(c);
        return true;
    }

    /**
     * Sharded: the shard of the transaction {@code buf[offset...]} starts. False when there is no
     * single one: the batch is still cut (routing waits for the rest), or it runs on every shard
     * ({@link #scattering()}).
     */
    private boolean chooseShard(byte type, ByteBuf buf, int offset, int length) {
        boolean inTransaction = routing.localStatus() == ReadyForQuery.IN_TRANSACTION;
        int shard = shards.decide(type, buf, offset, length, inTransaction, routing.classifier());
        if (shard == ShardRouter.WAIT) {
            routing.markUndecided();
            return false;
        }
        if (shard == ShardRouter.SCATTER || shard == ShardRouter.ALL_SHARDS) {
            int end = shards.batchEnd();
            if (end < 0) {
                routing.useShard(0); // an extended batch too long to wait for: refused on shard 0
                shards.refuseUnfinishedBatch();
                return true;
            }
            if (startScatter(shard == ShardRouter.SCATTER, buf, offset, end)) {
                return false;
            }
            routing.useShard(0); // a Bind of a statement never prepared: shard 0 says so
            return true;
        }
        routing.useShard(shard);
        return true;
    }

    private boolean startScatter(boolean read, ByteBuf buf, int offset, int end) {
        ScatterBatch batch = ScatterBatch.of(client.alloc(), buf, offset, end, read ? shards.plan().shardSql() : null,
                rewriter());
        if (batch == null) {
            return false;
        }
        state = State.WAITING;
        io.pgmux.config.ShardingConfig cfg = shards.database().config();
        scatter = new ScatterRun(this, read ? shards.plan() : null, batch, routing.poolsForAllShards(read),
                cfg.maxScatterRows(), context.config().limits().maxMessageSize());
        countQuery();
        scatter.start();
        return true;
    }

    /** True while a batch runs on every shard. */
    boolean scattering() {
        return scatter != null;
    }

    /** Every shard answered: the merged answer, then ReadyForQuery; held input goes on. */
    void onScatterDone(java.util.List<ByteBuf> answer) {
        scatter = null;
        for (ByteBuf m : answer) {
            client.write(m, client.voidPromise());
        }
        client.write(BackendMessages.readyForQuery(client.alloc(), localStatus()), client.voidPromise());
        clientWritten();
        shards.onTransactionEnd();
        state = State.IDLE;
        quietSince = System.nanoTime();
        flushClient();
        replayHeld();
    }

    /** The parameter sync {@code c} needs before this client's statements, or null. */
    ParameterSync parameterSync(ServerConnection c) {
        return ParameterSync.plan(parameters, c);
    }

    private void attach(ServerConnection c) {
        server = c;
        requests.clearBoundary(); // a new lease: the last one's batch boundary does not hold it back
        c.attach(this);
        state = State.ACTIVE;
        syncParameters(c);
        if (routing != null) {
            routing.onAttached(c);
        }
    }

    /** Makes {@code c}'s settings the client's, ahead of anything the client sends on it. */
    private void syncParameters(ServerConnection c) {
        ParameterSync sync = ParameterSync.plan(parameters, c);
        if (sync != null) {
            c.write(FrontendMessages.query(client.alloc(), sync.sql()));
            c.ledger().addSwallowed(ResponseLedger.QUERY, sync);
            serverWritten = true;
        }
    }

    @Override
    public void onServerAcquired(ServerConnection c) {
        if (state == State.CLOSED) {
            pool.release(c);
            leaseEnded();
            return;
        }
        attach(c);
        replayHeld();
    }

    /** Feeds held input again, until it is used up or something holds it anew. */
    private void replayHeld() {
        pendingBytes = 0;
        unblock(BLOCK_WAITING);
        ByteBuf b;
        replaying = true;
        try {
            while ((state == State.ACTIVE || state == State.IDLE) && !heldAtBoundary && (b = pendingInput.poll()) != null) {
                onClientData(b);
            }
        } finally {
            replaying = false;
        }
        for (ByteBuf h : pendingInput) {
            pendingBytes += h.readableBytes();
        }
        onClientReadComplete();
    }

    @Override
    public void onAcquireFailed(PgError error) {
        if (state == State.CLOSED) {
            leaseEnded();
            return;
        }
        Pool other = routing == null ? null : routing.reroute(error);
        if (other != null) {
            pool = other; // a replica that cannot be reached: once, another server
            pool.acquire(this);
            return;
        }
        if (shards != null) {
            // name the shard, and fail only this batch: the client's other shards still serve
            requests.failBatch(new PgError("ERROR", error.code(), "shard " + routing.shard() + " of database \""
                    + database + "\": " + error.message(), error.detail(), error.hint()));
            leaseEnded();
            state = State.IDLE;
            replayHeld();
            return;
        }
        closeWith(error.asFatal());
    }

    /**
     * The replica serving an autocommit read went away before any of its answer reached the
     * client: the read goes again, once, to another server (routing.retry_reads).
     */
    private boolean retryRead() {
        java.util.List<ByteBuf> batch = routing == null ? null : routing.retryRead(clientWrites);
        if (batch == null) {
            return false;
        }
        heldAtBoundary = false;
        requests.clearBoundary();
        for (int i = batch.size() - 1; i >= 0; i--) {
            pendingInput.addFirst(batch.get(i));
        }
        pool = routing.pool();
        state = State.WAITING;
        pool.acquire(this);
        return true;
    }

    /** The lease (or the wait for one) is over: the next transaction chooses its server again. */
    private void leaseEnded() {
        if (routing != null) {
            routing.onReleased();
            pool = home;
        }
        if (shards != null) {
            shards.onTransactionEnd();
        }
    }

    /** Gives the server back (transaction end) or, once the client is gone, after cleanup. */
    void releaseServer() {
        ServerConnection c = server;
        if (c == null) {
            return;
        }
        if (inServerFeed) {
            releaseAfterRead = true;
            return;
        }
        server = null;
        planRetry.abandon();
        c.attach(null);
        if (state != State.CLOSED) {
            state = State.IDLE;
            flushClient();
        }
        pool.release(c);
        leaseEnded();
    }

    // ---------------------------------------------------------------- server side

    @Override
    public void onServerData(ServerConnection from, ByteBuf data) {
        inServerFeed = true;
        pool.stats().bytesFromServers.add(data.readableBytes());
        try {
            responses.feed(from, data);
        } catch (PgException e) {
            LOG.warning(() -> from + ": " + e.getMessage() + "; closing it");
            from.close();
        } finally {
            inServerFeed = false;
            data.release();
        }
        if (releaseAfterRead) {
            releaseAfterRead = false;
            releaseServer();
        } else if (server == from && !client.isWritable() && state != State.CLOSED) {
            from.channel().config().setAutoRead(false); // the client reads slowly: stop reading the server
        }
        if (closeAfterRead) {
            closeAfterRead = false;
            closeWith(PgError.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command"));
        }
        if (heldAtBoundary && state != State.CLOSED && (server == null || server.ledger().isEmpty())) {
            heldAtBoundary = false; // the replica answered: the next batch goes on (or chooses its server)
            requests.clearBoundary();
            replayHeld();
        }
    }

    @Override
    public void onServerReadComplete(ServerConnection from) {
        flushClient();
    }

    @Override
    public void onServerWritabilityChanged(ServerConnection from, boolean writable) {
        if (writable) {
            unblock(BLOCK_SERVER_FULL);
        } else {
            block(BLOCK_SERVER_FULL);
        }
    }

    @Override
    public void onServerClosed(ServerConnection from) {
        if (from != server) {
            return;
        }
        server = null;
        planRetry.abandon();
        if (busySince != 0 && !serverFatalSeen && !serverFailureCounted && state != State.CLOSED) {
            // a request in flight and no error first: the server (or the path to it) failed it
            pool.requestFailed(FailureKind.CONNECTION_LOST, "connection to " + from.target().address()
                    + " lost during a request");
        }
        busySince = 0;
        serverFailureCounted = false;
        transactionSince = 0;
        sql.releaseLogged();
        from.ledger().clear();
        pool.release(from);
        cleanup.cancelTimer();
        if (state != State.CLOSED && !serverFatalSeen && retryRead()) {
            return;
        }
        leaseEnded();
        if (state == State.CLOSED) {
            return;
        }
        PgError error = PgError.fatal(SqlState.CONNECTION_FAILURE, "server closed the connection unexpectedly")
                .withDetail("the connection to " + from.target().address() + " was lost; "
                        + "the transaction in progress, if any, was rolled back");
        if (serverFatalSeen) {
            flushClient();
            terminate();
        } else {
            closeWith(error);
        }
    }

    /** The parameter sync's ReadyForQuery: the server's reports settle the client's raw startup values. */
    void onSyncDone(ServerConnection from, ParameterSync sync) {
        if (!sync.unconfirmed().isEmpty()) {
            parameters.confirm(sync.unconfirmed(), from.reportedParameters(), pool.knownParameterValues());
        }
    }

    /** ReadyForQuery was forwarded (or swallowed): decide whether the server goes back to the pool. */
    void onReadyForQuery(ServerConnection from, byte status) {
        if (!from.ledger().isEmpty()) {
            return;
        }
        if (state == State.CLOSED) {
            cleanup.onReady(from, status);
            return;
        }
        PoolMode mode = mode();
        if (mode == PoolMode.STATEMENT && status != ReadyForQuery.IDLE) {
            from.markUnusable();
            closeWith(PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED,
                    "transaction blocks not allowed in statement pooling mode"));
            return;
        }
        recordTimes(status);
        if (status == ReadyForQuery.IDLE && routing != null && routing.captureLsn(from)) {
            return; // read-your-writes: the primary's WAL position first; its ReadyForQuery comes back here
        }
        boolean resetsPending = sql.onIdle(from);
        if (status == ReadyForQuery.IDLE && mode != PoolMode.SESSION && !sql.pinned()) {
            releaseAfterRead = true; // the next lease syncs parameters anyway
        } else if (resetsPending) {
            syncParameters(from); // a RESET went to the server's default: put the client's startup value back
            from.flush();
        }
        if (status == ReadyForQuery.IDLE && draining) {
            closeAfterRead = true;
        }
    }

    private void recordTimes(byte status) {
        long now = System.nanoTime();
        quietSince = now; // the server has answered: from here on the client is the one keeping it waiting
        if (busySince != 0) {
            long took = now - busySince;
            pool.stats().recordQuery(took);
            if (!serverFailureCounted) {
                pool.requestAnswered(took); // else the request already counted as a failed call
            }
            busySince = 0;
            serverFailureCounted = false;
            if (sql.hasLoggedSql() || logsSql()) {
                QueryLog.log(this, took, context.config().log(), sql);
                sql.releaseLogged();
            }
        }
        if (status == ReadyForQuery.IDLE && transactionSince != 0) {
            pool.stats().recordTransaction(now - transactionSince);
            transactionSince = 0;
        }
    }

    void onSwallowedError(PgError error) {
        if (state == State.CLOSED) {
            server.markUnusable(); // a failed rollback or reset: the connection's state is unknown
            return;
        }
        // a parameter sync failed (say, a bad TimeZone in the startup packet): PostgreSQL would have
        // refused the connection, so pgmux closes it with the server's error
        server.markUnusable();
        closeWith(error.asFatal());
    }

    void onServerFatal(PgError error) {
        serverFatalSeen = true;
        if (server != null) {
            server.markUnusable();
        }
    }

    /** An error the server raised because it cannot serve (57P01, 53300, ...), not the client's SQL: a failed breaker call. */
    void countServerFailure(PgError error) {
        if (FailureClassifier.countsAsServerFailure(error.code())) {
            serverFailureCounted = true; // the connection closing after it is the same failure
            pool.requestFailed(FailureKind.SERVER_ERROR, error.code() + " " + error.message());
        }
    }

    // ---------------------------------------------------------------- answers pgmux gives itself

    /**
     * Writes a bodiless answer pgmux gives without a server (ParseComplete, CloseComplete) or, for
     * {@code READY_FOR_QUERY}, ReadyForQuery ('I', or 'T' while a BEGIN is held back). Returns false for type 0 (nothing answered).
     */
    boolean answerLocally(byte type) {
        if (type == 0) {
            return false;
        }
        ByteBuf msg = type == MessageTypes.READY_FOR_QUERY
                ? BackendMessages.readyForQuery(client.alloc(), localStatus())
                : BackendMessages.empty(client.alloc(), type);
        client.write(msg, client.voidPromise());
        clientWritten();
        return true;
    }

    /** Writes {@code message}, an answer pgmux gives without a server; always true. */
    boolean answerLocally(ByteBuf message) {
        client.write(message, client.voidPromise());
        clientWritten();
        return true;
    }

    /** Writes {@code answer} as if from a server between transactions; always true. */
    boolean answerLocally(SyntheticResponse answer) {
        client.write(answer.render(client.alloc(), localStatus()), client.voidPromise());
        clientWritten();
        return true;
    }

    /** The status of ReadyForQuery pgmux answers without a server: 'I', or 'T' while a BEGIN is held back. */
    private byte localStatus() {
        return routing == null ? ReadyForQuery.IDLE : routing.localStatus();
    }

    void emitSynthetic(ServerConnection on) {
        responses.emitSynthetic(on);
    }

    // ---------------------------------------------------------------- admin and lifecycle

    /** Forwards a cancel for the running query, if any, with the server's real key. On the loop. */
    void cancel() {
        ServerConnection c = server;
        if (c != null && !c.ledger().isEmpty()) {
            context.connector().cancel(client.eventLoop(), c.target(), c.backendPid(), c.backendSecret());
        }
    }

    /**
     * What the client timeouts see the session doing (see {@link TimeoutRules.Phase}). A request
     * out on the held server is busy even while input waits behind it (a replica's batch). Exempt
     * otherwise while it waits for a server or for every shard, or holds unforwarded input: those
     * are query_wait_timeout's business or end by themselves. On the loop.
     */
    TimeoutRules.Phase timeoutPhase() {
        ServerConnection c = server;
        if (state == State.CLOSED) {
            return TimeoutRules.Phase.EXEMPT;
        }
        if (c != null && !c.ledger().isEmpty()) {
            // busySince is zero while only pgmux's own requests (a parameter sync) are out
            return busySince != 0 ? TimeoutRules.Phase.BUSY : TimeoutRules.Phase.EXEMPT;
        }
        if (state == State.WAITING || scatter != null || heldAtBoundary || !pendingInput.isEmpty()
                || awaitedBatch != null) {
            return TimeoutRules.Phase.EXEMPT;
        }
        if (c == null) {
            // 'T' here is a BEGIN routing holds back: the client is in a transaction as far as it knows
            return localStatus() == ReadyForQuery.IDLE ? TimeoutRules.Phase.IDLE : TimeoutRules.Phase.IDLE_IN_TRANSACTION;
        }
        if (busySince != 0) {
            return TimeoutRules.Phase.EXEMPT; // answered, but no ReadyForQuery asked for yet (Parse + Flush)
        }
        return c.transactionStatus() == ReadyForQuery.IDLE
                ? TimeoutRules.Phase.IDLE : TimeoutRules.Phase.IDLE_IN_TRANSACTION;
    }

    /** When the server got the request in flight (zero when none): query_timeout's clock. */
    long busySince() {
        return busySince;
    }

    long quietSince() {
        return quietSince;
    }

    /**
     * limits.query_timeout passed: the server's query is canceled as the client's own Ctrl+C would
     * be, so the client gets the server's 57014 and keeps its connection. It counts against the
     * server's breaker (a server too slow to answer); a client's own cancel does not.
     */
    void cancelForTimeout(long tookMillis, long limitMillis) {
        LOG.fine(() -> this + ": request running for " + tookMillis + " ms, over query_timeout: canceling it");
        cancel();
        serverFailureCounted = true; // its ReadyForQuery after the cancel is not also a success
        pool.requestFailed(FailureKind.TIMEOUT, "query_timeout: a request ran " + tookMillis + " ms (limit "
                + limitMillis + " ms)");
    }

    /** A RELOAD changed the client timeouts: the timer picks them up now. Any thread. */
    public void timeoutsChanged() {
        client.eventLoop().execute(timer::rearm);
    }

    /** Shutdown: close now if between transactions, else right after the current one. On the loop. */
    public void drain() {
        draining = true;
        if (state == State.IDLE) {
            closeWith(PgError.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command"));
        }
    }

    /** Sends a (fatal) error and closes the client. */
    void closeWith(PgError error) {
        if (state != State.CLOSED) {
            pool.stats().recordError(error.code()); // metrics: errors by SQLSTATE class
        }
        if (client.isActive()) {
            client.writeAndFlush(BackendMessages.errorResponse(client.alloc(), error))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        onClientClosed();
    }

    private void block(int reason) {
        boolean was = readBlockers == 0;
        readBlockers |= reason;
        if (was) {
            client.config().setAutoRead(false);
        }
    }

    private void unblock(int reason) {
        if ((readBlockers & reason) == 0) {
            return;
        }
        readBlockers &= ~reason;
        if (readBlockers == 0 && state != State.CLOSED) {
            client.config().setAutoRead(true);
        }
    }

    void flushClient() {
        if (clientWritten) {
            clientWritten = false;
            client.flush();
        }
    }

    void serverWritten() {
        serverWritten = true;
        if (busySince == 0) {
            busySince = System.nanoTime(); // requests went to the server: the query clock starts
            if (transactionSince == 0) {
                transactionSince = busySince;
            }
        }
    }

    void clientWritten() {
        clientWritten = true;
        clientWrites++;
    }

    long clientWrites() {
        return clientWrites;
    }

    /** True while the read in flight could still go to another server (nothing of it reached the client). */
    boolean mayRetryRead() {
        return routing != null && routing.mayRetry(clientWrites);
    }

    void countQuery() {
        pool.stats().queries.increment();
    }

    /** An ErrorResponse from the server is on its way to the client. */
    void countError(PgError error) {
        pool.stats().recordError(error.code());
    }

    /** True when the SQL of requests must be kept for the query log. */
    boolean logsSql() {
        return context.config().log().logsQueries();
    }

    private PoolMode mode() {
        return pool.settings().mode();
    }

    SessionSql sql() {
        return sql;
    }

    /** Read/write splitting, or null when the database has no replicas. */
    ShardRouter shards() {
        return shards;
    }

    SessionRouting routing() {
        return routing;
    }

    StatementRewriter rewriter() {
        return sql.rewriter();
    }

    PlanRetry planRetry() {
        return planRetry;
    }

    ServerConnection server() {
        return server;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    ClientParameters parameters() {
        return parameters;
    }

    SessionContext context() {
        return context;
    }

    /** The pool serving this client (public for the admin console and metrics). */
    public Pool pool() {
        return pool;
    }

    /** Why the session is pinned (empty when it is not), for the admin console. */
    public String pinnedBy() {
        return sql.pinnedBy();
    }

    @Override
    public EventLoop eventLoop() {
        return client.eventLoop();
    }

    public State state() {
        return state;
    }

    public String user() {
        return user;
    }

    public String database() {
        return database;
    }

    public long connectedAtMillis() {
        return connectedAtMillis;
    }

    /** When the client last sent something, or 0 when it has sent nothing since login. */
    public long lastRequestMillis() {
        long at = lastReadNanos;
        return at == 0 ? 0 : System.currentTimeMillis() - (System.nanoTime() - at) / 1_000_000;
    }

    /** The client's application_name (from its startup packet, then its SETs), or null. */
    public String applicationName() {
        return applicationName;
    }

    /**
     * The named statements the client has prepared, as pgmux's statement cache tracks them in
     * transaction mode; null where it does not track them (session mode: they live on the server).
     * Read from the admin console's loop: a racy count, like the other figures of SHOW CLIENTS.
     */
    public Integer preparedStatements() {
        StatementRewriter r = sql.rewriter();
        return r == null ? null : r.statements().size();
    }

    /** A ParameterStatus changed what the client sees: keeps the admin console's copy of application_name. */
    void parameterReported(String name) {
        if ("application_name".equals(name)) {
            applicationName = parameters.get(name);
        }
    }

    public Channel clientChannel() {
        return client;
    }

    @Override
    public String toString() {
        return "client " + user + "@" + database + " " + client.remoteAddress();
    }
}
