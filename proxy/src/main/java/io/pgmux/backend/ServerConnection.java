package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.ResponseLedger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to a PostgreSQL server. Touched only on its channel's event loop, which is also the
 * loop of every client session that leases it, so none of its state needs locking.
 */
public final class ServerConnection {

    /** Lifecycle; transitions happen in {@link #transition}. */
    public enum State { CONNECTING, IDLE, ACTIVE, CLOSED }

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final Channel channel;
    private final ServerTarget target;
    private final MessageFramer framer = new MessageFramer(Integer.MAX_VALUE);
    private final ResponseLedger ledger;
    /** Values the server reported with ParameterStatus. */
    private final Map<String, String> reported = new HashMap<>();
    /** Values of unreported parameters pgmux set on this connection for some client. */
    private final Map<String, String> overrides = new HashMap<>();
    private final ServerStatements statements = new ServerStatements();
    /** Digest of the client settings this connection is known to match; 0 = unknown. */
    private long matchedParameters;
    private final long createdNanos = System.nanoTime();
    private State state = State.CONNECTING;
    private int backendPid;
    private int backendSecret;
    private byte transactionStatus = 'I';
    private long lastUsedNanos = createdNanos;
    private boolean reusable = true;
    /** Terminate was sent: the server closes the connection. */
    private boolean terminating;
    static final long TERMINATE_WAIT_MS = 1000;
    private ServerListener listener;
    private Object owner;

    public ServerConnection(Channel channel, ServerTarget target) {
        this.channel = channel;
        this.target = target;
        this.ledger = new ResponseLedger(this::onLedgerDropped);
    }

    private void onLedgerDropped(Object payload) {
        if (payload instanceof Runnable undo) {
            undo.run();
        }
    }

    public void transition(State next) {
        State from = state;
        boolean legal = switch (next) {
            case CONNECTING -> false;
            case IDLE -> from == State.CONNECTING || from == State.ACTIVE;
            case ACTIVE -> from == State.IDLE || from == State.CONNECTING;
            case CLOSED -> true;
        };
        if (!legal) {
            throw new IllegalStateException("server connection " + id + ": " + from + " -> " + next);
        }
        state = next;
        if (next == State.IDLE) {
            lastUsedNanos = System.nanoTime();
        }
    }

    /** Attaches the session that now holds this connection, or detaches it with null. */
    public void attach(ServerListener newListener) {
        this.listener = newListener;
    }

    public ServerListener listener() {
        return listener;
    }

    /** Writes a message the proxy originated (reset query, parameter sync). */
    public void write(ByteBuf msg) {
        channel.write(msg, channel.voidPromise());
    }

    public void flush() {
        channel.flush();
    }

    /**
     * Closes the connection. Between requests it says Terminate and lets the server close its end:
     * the slot this connection holds in its pool is freed (on the close future) only once the
     * server's backend has left, so PostgreSQL never sees more connections than the pool size, even
     * while a connection moves to another event loop. A server that does not close within
     * {@link #TERMINATE_WAIT_MS} is closed on.
     */
    public void close() {
        reusable = false;
        if (!channel.isActive() || !ledger.isEmpty() || framer.inMessage() || terminating) {
            channel.close();
            return;
        }
        terminating = true;
        channel.writeAndFlush(io.pgmux.protocol.FrontendMessages.terminate(channel.alloc()));
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, TERMINATE_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Marks the connection as not to be returned to the pool (its state is unknown or spoiled). */
    public void markUnusable() {
        reusable = false;
    }

    public boolean isReusable() {
        return reusable && state != State.CLOSED && channel.isActive() && !framer.inMessage();
    }

    void setBackendKey(int pid, int secret) {
        this.backendPid = pid;
        this.backendSecret = secret;
    }

    public long id() {
        return id;
    }

    public Channel channel() {
        return channel;
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public ServerTarget target() {
        return target;
    }

    public MessageFramer framer() {
        return framer;
    }

    public ResponseLedger ledger() {
        return ledger;
    }

    public Map<String, String> reportedParameters() {
        return reported;
    }

    public Map<String, String> parameterOverrides() {
        return overrides;
    }

    /** The digest of client settings this connection matches (0 = unknown; see ClientParameters#fingerprint). */
    public long matchedParameters() {
        return matchedParameters;
    }

    public void matchedParameters(long digest) {
        this.matchedParameters = digest;
    }

    /** Prepared statements on this connection (transaction-mode statement handling). */
    public ServerStatements statements() {
        return statements;
    }

    public State state() {
        return state;
    }

    public int backendPid() {
        return backendPid;
    }

    public int backendSecret() {
        return backendSecret;
    }

    public byte transactionStatus() {
        return transactionStatus;
    }

    public void transactionStatus(byte status) {
        this.transactionStatus = status;
    }

    public long createdNanos() {
        return createdNanos;
    }

    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** The pool partition that accounts for this connection (opaque to this package). */
    public Object owner() {
        return owner;
    }

    public void owner(Object newOwner) {
        this.owner = newOwner;
    }

    @Override
    public String toString() {
        return "server#" + id + "(" + target.address() + " pid " + backendPid + ", " + state + ")";
    }
}
