package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerConnector;
import io.pgmux.backend.ServerTarget;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The server connections of one (database, server user). Split into one {@link LoopPool} partition
 * per event loop: a client only ever gets a connection living on its own loop, so a session and its
 * server never cross threads and no partition needs a lock. The global {@code size} is one atomic
 * counter; when one loop is starved while another holds idle connections, the idle one is closed
 * and reopened on the starved loop (rebalancing) instead of sharing it across threads.
 */
public final class Pool {
    private final PoolKey key;
    private volatile ServerTarget target;
    private final ServerConnector connector;
    private final LoopIndex loops;
    private final LoopPool[] partitions;
    private final AtomicInteger reserved = new AtomicInteger();
    private final PoolStats stats = new PoolStats();
    private volatile PoolSettings settings;
    private volatile Map<String, String> welcomeParameters;
    /** Full values servers reported for clients' raw startup text (name -> raw -> full), shared by this pool's clients. */
    private final Map<String, Map<String, String>> knownParameterValues = new java.util.concurrent.ConcurrentHashMap<>();
    /** Admin console (issue 4): bumped by RECONNECT and backend changes; older connections close when released. */
    private volatile int generation;
    private volatile boolean paused;

    public Pool(PoolKey key, ServerTarget target, PoolSettings settings, ServerConnector connector, LoopIndex loops) {
        this.key = key;
        this.target = target;
        this.settings = settings;
        this.connector = connector;
        this.loops = loops;
        this.partitions = new LoopPool[loops.size()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new LoopPool(this, loops.loop(i), i);
        }
    }

    /** Starts the per-loop maintenance (idle and lifetime limits, min_idle). */
    public void start() {
        for (LoopPool p : partitions) {
            p.loop().execute(p::startJanitor);
        }
    }

    /** Asks for a connection; must be called on {@code client.eventLoop()}. */
    public void acquire(PoolClient client) {
        partition(client.eventLoop()).acquire(client);
    }

    /** An idle connection on {@code loop} at once, or null (see {@link LoopPool#tryAcquireIdle}). On that loop. */
    public ServerConnection tryAcquireIdle(EventLoop loop) {
        return partition(loop).tryAcquireIdle();
    }

    /** Gives a connection back; on its event loop. Unusable connections are closed instead. */
    public void release(ServerConnection server) {
        ((LoopPool) server.owner()).release(server);
    }

    public LoopPool partition(EventLoop loop) {
        return partitions[loops.indexOf(loop)];
    }

    /** A server that keeps refusing is logged once per this many seconds, not once per attempt. */
    static final int FAILURE_LOG_SECONDS = 30;
    private final java.util.concurrent.atomic.AtomicLong lastFailureLogNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger failuresNotLogged = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * A connect or login failed: returns how many failures went unlogged since the last line when
     * this one should be logged, or -1 when it should not (one line per {@link #FAILURE_LOG_SECONDS}).
     */
    int connectFailureToLog() {
        long now = System.nanoTime();
        long last = lastFailureLogNanos.get();
        if ((last == 0 || now - last >= FAILURE_LOG_SECONDS * 1_000_000_000L) && lastFailureLogNanos.compareAndSet(last, now)) {
            return failuresNotLogged.getAndSet(0);
        }
        failuresNotLogged.incrementAndGet();
        return -1;
    }

    boolean tryReserve() {
        int max = settings.size();
        for (;;) {
            int n = reserved.get();
            if (n >= max) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The server's circuit breaker, shared with the other pools on it; null when breakers are off. */
    private volatile io.pgmux.resilience.CircuitBreaker breaker;

    public void breaker(io.pgmux.resilience.CircuitBreaker b) {
        this.breaker = b;
    }

    io.pgmux.resilience.CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * A request on one of this pool's connections got its answer (ReadyForQuery) after
     * {@code nanos}: a successful breaker call, timed for the latency rule. Also a successful probe
     * while the breaker is half-open: the server answered.
     */
    public void requestAnswered(long nanos) {
        io.pgmux.resilience.CircuitBreaker b = breaker;
        if (b != null) {
            b.onSuccess(nanos);
        }
    }

    /** A request failed in a way that is the server's doing (see FailureClassifier): a failed breaker call. */
    public void requestFailed(io.pgmux.resilience.FailureKind kind, String why) {
        io.pgmux.resilience.CircuitBreaker b = breaker;
        if (b != null) {
            b.onFailure(kind, why);
        }
    }

    /** The error a client gets while the breaker is open: fast, naming the server and the next attempt. */
    io.pgmux.protocol.PgError breakerOpen(io.pgmux.resilience.CircuitBreaker b) {
        String last = b.lastFailure();
        return io.pgmux.protocol.PgError.fatal(io.pgmux.protocol.SqlState.CONNECTION_FAILURE, "server " + target.address()
                + " is unavailable: circuit breaker open" + (last.isEmpty() ? "" : " after: " + last)
                + "; next attempt in " + io.pgmux.resilience.Breakers.retryIn(b));
    }

    /** A reserved slot given back without waking starved partitions (the breaker refused to open). */
    void unreserveQuietly() {
        reserved.decrementAndGet();
    }

    /** A connection (or an attempt) is gone: its slot may serve a starved partition. */
    void unreserve() {
        reserved.decrementAndGet();
        for (LoopPool p : partitions) {
            if (p.isStarving()) {
                p.loop().execute(p::grow);
                return;
            }
        }
    }

    /**
     * True when another partition is starved and holds fewer connections than {@code self} would
     * after giving one up ({@code held}: what {@code self} holds now). Partitions that hold about
     * the same share keep their connections: closing one to reopen it on the other loop costs a
     * server login, and under load every loop's waiters come and go, so moving connections between
     * equal partitions would only churn (a sharded database's pools showed hundreds of logins a
     * second). Rebalancing is for a loop left with too few, or for a connection {@code self} has
     * not needed for a while ({@code spare}: its clients are elsewhere, or pinned).
     */
    boolean anotherPartitionStarving(LoopPool self, int held, boolean spare) {
        for (LoopPool p : partitions) {
            if (p != self && p.isStarving() && (spare || p.held() == 0 || p.held() + 1 < held)) {
                return true;
            }
        }
        return false;
    }

    /** A starved partition asks the others to give up an idle connection. */
    void rebalance(LoopPool starving) {
        for (LoopPool p : partitions) {
            if (p != starving && p.idleCount() > 0) {
                p.loop().execute(p::donateIdle);
                return;
            }
        }
    }

    void recordWelcome(ServerConnection server) {
        if (welcomeParameters == null) {
            welcomeParameters = Map.copyOf(server.reportedParameters());
        }
    }

    /** Full values of raw startup parameters learned from servers; bounded by the few distinct values clients send. */
    public Map<String, Map<String, String>> knownParameterValues() {
        return knownParameterValues;
    }

    /** ParameterStatus values of this pool's server as seen at the first login, or null before that. */
    public Map<String, String> welcomeParameters() {
        return welcomeParameters;
    }

    public int reservedConnections() {
        return reserved.get();
    }

    public PoolKey key() {
        return key;
    }

    public ServerTarget target() {
        return target;
    }

    public PoolSettings settings() {
        return settings;
    }

    public void updateSettings(PoolSettings newSettings) {
        this.settings = newSettings;
    }

    ServerConnector connector() {
        return connector;
    }

    public PoolStats stats() {
        return stats;
    }

    int partitionCount() {
        return partitions.length;
    }

    /** Counts across partitions for the admin console; racy by design (each partition is loop-confined). */
    public PoolCounts counts() {
        int idle = 0;
        int active = 0;
        int waiting = 0;
        int opening = 0;
        for (LoopPool p : partitions) {
            idle += p.idleCount();
            active += p.activeCount();
            waiting += p.waitingCount();
            opening += p.connectingCount();
        }
        return new PoolCounts(active, idle, opening, waiting);
    }

    // --- admin console (issue 4) ---

    int generation() {
        return generation;
    }

    public boolean isPaused() {
        return paused;
    }

    /**
     * PAUSE: from now on no connection is handed out and none is opened; clients asking for one
     * queue. Idle connections are closed at once and leased ones when they come back, as
     * PgBouncer's PAUSE disconnects from the server. The flag is read by every partition at each
     * acquire and release; the returned future completes once each partition's loop has run past
     * it (so no lease decided before the pause is still on its way): from then on
     * {@link #reservedConnections()} reaching 0 means every connection of the pool is closed.
     */
    public Future<List<Void>> pause() {
        paused = true;
        return onEachPartition(p -> {
            p.closeAllIdle(); // leased ones are closed as they come back (LoopPool.offer)
            return null;
        });
    }

    /** RESUME: hands connections to the clients that queued during the pause. */
    public Future<List<Void>> resume() {
        paused = false;
        return onEachPartition(p -> {
            p.resume();
            return null;
        });
    }

    /** RECONNECT: every connection open now is closed when it is next released; idle ones at once. */
    public void reconnect() {
        generation++;
        for (LoopPool p : partitions) {
            p.loop().execute(p::maintain);
        }
    }

    /** The backend of this pool changed (RELOAD): new connections go to {@code newTarget}, old ones retire. */
    public void updateTarget(ServerTarget newTarget) {
        if (!newTarget.equals(target)) {
            target = newTarget;
            reconnect();
        }
    }

    /** KILL: closes every connection of the pool, idle or in use. */
    public void closeAll() {
        for (LoopPool p : partitions) {
            p.loop().execute(p::closeAll);
        }
    }

    /** Reads every partition on its own loop (SHOW SERVERS, SHOW POOLS); completes on the last loop to answer. */
    public Future<List<PartitionSnapshot>> snapshot() {
        return onEachPartition(LoopPool::snapshot);
    }

    @SuppressWarnings("unchecked")
    private <T> Future<List<T>> onEachPartition(Function<LoopPool, T> task) {
        Promise<List<T>> promise = ImmediateEventExecutor.INSTANCE.newPromise();
        Object[] results = new Object[partitions.length];
        AtomicInteger remaining = new AtomicInteger(partitions.length);
        for (int i = 0; i < partitions.length; i++) {
            LoopPool p = partitions[i];
            int slot = i;
            try {
                p.loop().execute(() -> {
                    try {
                        results[slot] = task.apply(p);
                    } catch (RuntimeException e) {
                        promise.tryFailure(e);
                    }
                    if (remaining.decrementAndGet() == 0) {
                        promise.trySuccess((List<T>) Arrays.asList(results));
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                promise.tryFailure(e); // the loops are shutting down
            }
        }
        return promise;
    }

    @Override
    public String toString() {
        return "pool " + key;
    }
}
