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
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.SyntheticResponse;
import io.pgmux.config.SessionStatePolicy;
import io.pgmux.pool.PoolSettings;
import io.pgmux.routing.PinReason;
import io.pgmux.routing.SessionEffect;
import io.pgmux.routing.SessionStateClassifier;

import java.util.ArrayDeque;
import java.util.EnumSet;
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

    /** What PostgreSQL answers to DEALLOCATE: CommandComplete then ReadyForQuery. */
    private static final SyntheticResponse DEALLOCATE_ANSWER = (alloc, status) -> {
        io.netty.buffer.ByteBuf out = alloc.buffer(24);
        BackendMessages.writeCommandComplete(out, "DEALLOCATE");
        out.writeByte(io.pgmux.protocol.MessageTypes.READY_FOR_QUERY).writeInt(5).writeByte(status);
        return out;
    };

    /**
     * IDLE: no server (transaction mode between transactions). WAITING: asked the pool, input held.
     * ACTIVE: holds a server. CLOSED: the client is gone; a held server may still be rolled back or
     * reset before it goes back to the pool.
     */
    public enum State { IDLE, WAITING, ACTIVE, CLOSED }

    private static final int BLOCK_WAITING = 1;
    private static final int BLOCK_SERVER_FULL = 2;

    private final Channel client;
    private final SessionContext context;
    private final Pool pool;
    private final ClientParameters parameters;
    private final long cancelKey;
    private final String user;
    private final String database;
    private final long connectedAtMillis = System.currentTimeMillis();
    private final RequestForwarder requests;
    private final ResponseForwarder responses;
    private final ServerCleanup cleanup = new ServerCleanup(this);
    private final PlanRetry planRetry = new PlanRetry();
    /** Named-statement handling; null in session mode or with max_prepared_statements 0. */
    private final StatementRewriter rewriter;
    /** Session-state detection; null in session mode or with on_session_state: ignore. */
    private final SessionStateClassifier classifier;
    private final EnumSet<PinReason> pins = EnumSet.noneOf(PinReason.class);
    private volatile String pinnedBy = "";
    /** A DISCARD ALL or DEALLOCATE ALL is on its way: read CommandComplete tags until ReadyForQuery. */
    private boolean watchTags;
    private final ArrayDeque<ByteBuf> pendingInput = new ArrayDeque<>();
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
    private long transactionSince;
    /** True while server bytes are being framed: the server must not change hands until that ends. */
    private boolean inServerFeed;
    /** Issue 4, query log: SQL of the first request since busySince, kept only while log.queries or the slow log is on. */
    private String loggedSql;

    ClientSession(Channel client, SessionContext context, Pool pool, ClientParameters parameters, long cancelKey,
                  String user, String database) {
        this.client = client;
        this.context = context;
        this.pool = pool;
        this.parameters = parameters;
        this.cancelKey = cancelKey;
        this.user = user;
        this.database = database;
        this.requests = new RequestForwarder(this, context.config().limits().maxMessageSize());
        this.responses = new ResponseForwarder(this, client);
        PoolSettings settings = pool.settings();
        this.rewriter = settings.multiplexed() && settings.maxPreparedStatements() > 0
                ? new StatementRewriter(this, settings.maxClientPreparedStatements()) : null;
        this.classifier = settings.multiplexed() && settings.onSessionState() != SessionStatePolicy.IGNORE
                ? new SessionStateClassifier(settings.trackedParameters()) : null;
    }

    void start() {
        context.cancels().register(cancelKey, this);
        context.clients().add(this);
    }

    // ---------------------------------------------------------------- client side

    /** Bytes from the client socket (counted once; held input replays through {@link #onClientData}). */
    void onClientRead(ByteBuf in) {
        pool.stats().bytesFromClients.add(in.readableBytes());
        onClientData(in);
    }

    void onClientData(ByteBuf in) {
        if (state == State.CLOSED) {
            in.release();
            return;
        }
        if (state == State.WAITING) {
            pendingInput.add(in);
            return;
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
        if ((stop < end || requests.holdsMessage()) && state != State.CLOSED) {
            pendingInput.add(in.retainedSlice(stop, end - stop));
            in.release();
            acquire();
        } else {
            in.release();
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
        context.cancels().unregister(cancelKey);
        context.clients().remove(this);
        context.clients().disconnected();
        ByteBuf b;
        while ((b = pendingInput.poll()) != null) {
            b.release();
        }
        if (server != null) {
            cleanup.start(server, requests.inMessage(), mode() == PoolMode.SESSION || !pins.isEmpty());
        }
        requests.release();
        planRetry.abandon();
    }

    void terminate() {
        onClientClosed();
        client.close();
    }

    // ---------------------------------------------------------------- pool side

    private void acquire() {
        state = State.WAITING;
        block(BLOCK_WAITING);
        pool.acquire(this);
    }

    @Override
    public void onServerAcquired(ServerConnection c) {
        if (state == State.CLOSED) {
            pool.release(c);
            return;
        }
        server = c;
        c.attach(this);
        state = State.ACTIVE;
        String sync = ParameterSync.statement(parameters, c);
        if (sync != null) {
            c.write(FrontendMessages.query(client.alloc(), sync));
            c.ledger().addSwallowed(ResponseLedger.QUERY, null);
            serverWritten = true;
        }
        unblock(BLOCK_WAITING);
        ByteBuf b;
        while (state == State.ACTIVE && server == c && (b = pendingInput.poll()) != null) {
            onClientData(b);
        }
        onClientReadComplete();
    }

    @Override
    public void onAcquireFailed(PgError error) {
        if (state != State.CLOSED) {
            closeWith(error.asFatal());
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
        busySince = 0;
        transactionSince = 0;
        loggedSql = null;
        from.ledger().clear();
        pool.release(from);
        cleanup.cancelTimer();
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
        watchTags = false;
        long now = System.nanoTime();
        if (busySince != 0) {
            long took = now - busySince;
            pool.stats().recordQuery(took);
            busySince = 0;
            if (loggedSql != null || logsSql()) {
                QueryLog.log(this, loggedSql, took, context.config().log());
                loggedSql = null;
            }
        }
        if (status == ReadyForQuery.IDLE && transactionSince != 0) {
            pool.stats().recordTransaction(now - transactionSince);
            transactionSince = 0;
        }
        if (status == ReadyForQuery.IDLE && mode != PoolMode.SESSION && pins.isEmpty()) {
            releaseAfterRead = true;
        }
        if (status == ReadyForQuery.IDLE && draining) {
            closeAfterRead = true;
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

    // ---------------------------------------------------------------- SQL the session looks at

    boolean inspectsSql() {
        return rewriter != null || classifier != null;
    }

    StatementRewriter rewriter() {
        return rewriter;
    }

    PlanRetry planRetry() {
        return planRetry;
    }

    /** A simple query on its way to {@code server}. Returns true when pgmux answered or refused it instead. */
    boolean onQuerySql(ServerConnection server, String sql, ServerWriter out) {
        if (rewriter != null) {
            if (rewriter.deallocate(sql)) {
                server.ledger().addSynthetic(ResponseLedger.QUERY, DEALLOCATE_ANSWER);
                emitSynthetic(server);
                return true;
            }
            String head = sql.stripLeading();
            if (head.regionMatches(true, 0, "discard", 0, 7) || head.regionMatches(true, 0, "deallocate", 0, 10)) {
                watchTags = true;
            }
        }
        return checkSessionState(server, sql, out);
    }

    /** The query of a Parse on its way to {@code server}; true when refused. */
    boolean onParseSql(ServerConnection server, String sql, ServerWriter out) {
        return checkSessionState(server, sql, out);
    }

    /**
     * Writes a bodiless answer pgmux gives without a server (ParseComplete, CloseComplete) or, for
     * {@code READY_FOR_QUERY}, ReadyForQuery 'I'. Returns false for type 0 (nothing answered).
     */
    boolean answerLocally(byte type) {
        if (type == 0) {
            return false;
        }
        io.netty.buffer.ByteBuf msg = type == io.pgmux.protocol.MessageTypes.READY_FOR_QUERY
                ? BackendMessages.readyForQuery(client.alloc(), ReadyForQuery.IDLE)
                : BackendMessages.empty(client.alloc(), type);
        client.write(msg, client.voidPromise());
        clientWritten();
        return true;
    }

    /** True when this SQL would create or clear session state: it must then run on a server. */
    boolean inspectsSessionState(String sql) {
        return classifier != null && !classifier.classify(sql).isNone();
    }

    /** With no server: a DEALLOCATE of the client's own statement needs none. */
    boolean answerDeallocateLocally(String sql) {
        if (!rewriter.deallocate(sql)) {
            return false;
        }
        client.write(DEALLOCATE_ANSWER.render(client.alloc(), ReadyForQuery.IDLE), client.voidPromise());
        clientWritten();
        return true;
    }

    private boolean checkSessionState(ServerConnection server, String sql, ServerWriter out) {
        if (classifier == null) {
            return false;
        }
        SessionEffect effect = classifier.classify(sql);
        if (effect.isNone()) {
            return false;
        }
        if (!effect.adds().isEmpty() && pool.settings().onSessionState() == SessionStatePolicy.ERROR) {
            ErrorInjection.inject(server, out, PgError.error(SqlState.FEATURE_NOT_SUPPORTED,
                    effect.statement() + " creates session state, which transaction pooling does not keep"
                            + " (on_session_state: error)")
                    .withHint("use a session-mode database for this client, or on_session_state: pin"));
            return true;
        }
        pins.removeAll(effect.clears());
        if (pins.isEmpty()) {
            pinnedBy = "";
        }
        if (!effect.adds().isEmpty()) {
            if (pins.isEmpty()) {
                pinnedBy = effect.statement();
                LOG.fine(() -> this + " pinned to its server connection by " + effect.statement());
            }
            pins.addAll(effect.adds());
        }
        return false;
    }

    boolean watchingCommandTags() {
        return watchTags;
    }

    /** CommandComplete with {@code tag} while watching: after DISCARD ALL the server holds no statements. */
    void onCommandTag(ServerConnection server, String tag) {
        if (rewriter != null && DeallocateCommand.dropsAll(tag)) {
            rewriter.onServerDiscarded(server);
        }
    }

    void emitSynthetic(ServerConnection server) {
        responses.emitSynthetic(server);
    }

    /** Why the session is pinned (empty when it is not), for the admin console. */
    public String pinnedBy() {
        return pinnedBy;
    }

    // ---------------------------------------------------------------- admin and lifecycle

    /** Forwards a cancel for the running query, if any, with the server's real key. On the loop. */
    void cancel() {
        ServerConnection c = server;
        if (c != null && !c.ledger().isEmpty()) {
            context.connector().cancel(client.eventLoop(), c.target(), c.backendPid(), c.backendSecret());
        }
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
            pool.stats().recordError(error.code()); // issue 4: metrics, errors by SQLSTATE class
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
        if (readBlockers == 0) {
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
        if (busySince == 0 && server != null) {
            requestsSent(server);
        }
    }

    void clientWritten() {
        clientWritten = true;
    }

    void countQuery() {
        pool.stats().queries.increment();
    }

    // ---------------------------------------------------------------- issue 4: query log, error counts

    /** True when the SQL of requests must be kept for the query log; one volatile read per request. */
    boolean logsSql() {
        return context.config().log().logsQueries();
    }

    /** The SQL of a Query or Parse on its way to the server; the first of a busy period is logged. */
    void noteSql(String sql) {
        if (loggedSql == null && logsSql()) {
            loggedSql = sql;
        }
    }

    /** An ErrorResponse from the server is on its way to the client. */
    void countError(PgError error) {
        pool.stats().recordError(error.code());
    }

    /** Requests went to the server: start the query (and transaction) clocks if they were stopped. */
    void requestsSent(ServerConnection to) {
        if (busySince == 0) {
            busySince = System.nanoTime();
            if (transactionSince == 0) {
                transactionSince = busySince;
            }
        }
    }

    private PoolMode mode() {
        return pool.settings().mode();
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

    /** The pool serving this client (public for the admin console and metrics, issue 4). */
    public Pool pool() {
        return pool;
    }

    Channel channel() {
        return client;
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

    public Channel clientChannel() {
        return client;
    }

    @Override
    public String toString() {
        return "client " + user + "@" + database + " " + client.remoteAddress();
    }
}
