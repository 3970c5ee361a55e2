package io.pgmux.pool;

import io.pgmux.resilience.CircuitBreaker;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerLoginException;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One event loop's share of a {@link Pool}: its idle connections (reused last-in first-out, so a
 * few hot connections serve most work, as PgBouncer does) and its waiting clients (first-in
 * first-out). Everything here runs on {@link #loop()}; other loops only read the volatile counts.
 */
final class LoopPool {
    private static final Logger LOG = Logger.getLogger(LoopPool.class.getName());
    private static final long RETRY_DELAY_MS = 1000;
    /** Connects (and logins) in progress per loop at most: no login storm on a recovering server. */
    static final int MAX_CONNECTING = 4;

    private final Pool pool;
    private final EventLoop loop;
    private final int index;
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Admin console (issue 4): every open connection, for RECONNECT, KILL and SHOW SERVERS. */
    private final OpenConnections open = new OpenConnections();
    private int connecting;
    private volatile int idleCount;
    private volatile int activeCount;
    private volatile int waitingCount;
    /** Waiters outnumber the connections being opened for them and the pool is at its size. */
    private volatile boolean starving;
    private boolean retryScheduled;
    private boolean sweepScheduled;

    LoopPool(Pool pool, EventLoop loop, int index) {
        this.pool = pool;
        this.loop = loop;
        this.index = index;
    }

    void acquire(PoolClient client) {
        CircuitBreaker b = pool.breaker();
        if (refusedByBreaker(b)) {
            client.onAcquireFailed(pool.breakerOpen(b)); // the server is known sick: no queue, no connect
            return;
        }
        ServerConnection c;
        while (!pool.isPaused() && (c = idle.pollFirst()) != null) {
            idleCount = idle.size();
            if (usable(c)) {
                lease(c, client);
                return;
            }
            c.close();
        }
        Waiter w = new Waiter(client);
        waiters.addLast(w);
        waitingCount = waiters.size();
        pool.stats().waits.increment();
        scheduleSweep();
        if (!pool.isPaused()) {
            grow();
        }
    }

    /**
     * Opens connections for waiters that no opening connection will serve, within the pool size and
     * at most {@link #MAX_CONNECTING} at a time: a server that just came back (or a cold pool with
     * hundreds of clients) gets its connections a few at a time, each finished connect starting the
     * next, rather than a burst of pool-size logins at once.
     */
    void grow() {
        if (pool.isPaused()) {
            return;
        }
        while (connecting < waiters.size() && connecting < MAX_CONNECTING) {
            if (!pool.tryReserve()) {
                starving = true; // at the pool size: another loop may have a spare connection
                pool.rebalance(this);
                return;
            }
            if (!open()) {
                return; // the breaker refused: its waiters were answered or wait for its probe
            }
        }
        starving = false;
    }

    /**
     * An open breaker whose wait has not run out: requests fail at once, also where an idle
     * connection is at hand (a breaker opened by slow or failing requests says nothing good about
     * the connections already open).
     */
    private static boolean refusedByBreaker(CircuitBreaker b) {
        return b != null && b.state() == CircuitBreaker.State.OPEN && b.retryAtMillis() > System.currentTimeMillis();
    }

    /** Opens a connection in a reserved slot; false when the server's breaker refuses (the slot is given back). */
    private boolean open() {
        CircuitBreaker b = pool.breaker();
        if (b != null && !b.tryAcquirePermission()) {
            pool.unreserveQuietly();
            starving = false;
            if (b.state() == CircuitBreaker.State.OPEN) {
                failAll(pool.breakerOpen(b)); // fail fast: no connect timeout to wait out
            }
            return false;
        }
        connecting++;
        PoolSettings s = pool.settings();
        long start = System.nanoTime();
        pool.connector().connect(loop, pool.target(), s.connectTimeout()).addListener((Future<ServerConnection> f) -> {
            connecting--;
            if (f.isSuccess()) {
                if (b != null) {
                    b.onSuccess(System.nanoTime() - start);
                }
                opened(f.getNow());
                if (connecting < waiters.size()) {
                    grow(); // the next of the waiters' connections, now that one slot of MAX_CONNECTING is free
                }
            } else {
                ServerLoginException failure = (ServerLoginException) f.cause();
                PgError error = failure.error();
                if (b != null) {
                    failure.failureKind().ifPresentOrElse(
                            kind -> b.onFailure(kind, error.message()), b::onIgnored);
                }
                pool.unreserve();
                failed(error);
            }
        });
        return true;
    }

    private void opened(ServerConnection c) {
        pool.stats().serverConnectionsOpened.increment();
        c.owner(this);
        c.transition(ServerConnection.State.IDLE);
        pool.recordWelcome(c);
        open.add(c, pool.generation());
        // every connection frees its slot exactly once, whatever closes it
        c.channel().closeFuture().addListener(f -> closed(c));
        offer(c);
    }

    private void failed(PgError error) {
        pool.stats().connectFailures.increment();
        int suppressed = pool.connectFailureToLog();
        if (suppressed >= 0) {
            LOG.warning(() -> pool + ": " + error.message()
                    + (suppressed > 0 ? " (" + suppressed + " more failures in the last " + Pool.FAILURE_LOG_SECONDS + " s)" : ""));
        }
        if (connecting == 0 && activeCount == 0 && idle.isEmpty() && pool.reservedConnections() == 0) {
            // nothing that could come back to these clients: tell them now instead of at the wait timeout
            failAll(error);
        } else if (!retryScheduled) {
            retryScheduled = true;
            loop.schedule(() -> {
                retryScheduled = false;
                grow();
            }, RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void failAll(PgError error) {
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
            if (w.finish()) {
                w.client.onAcquireFailed(error);
            }
        }
        waitingCount = 0;
        starving = false;
    }

    /**
     * The fast path: an idle connection of this loop, leased at once, or null. Never jumps the
     * queue: with clients waiting, a newcomer waits behind them.
     */
    ServerConnection tryAcquireIdle() {
        if (pool.isPaused() || !waiters.isEmpty() || refusedByBreaker(pool.breaker())) {
            return null; // the slow path queues, or refuses with the breaker's error
        }
        ServerConnection c;
        while ((c = idle.pollFirst()) != null) {
            idleCount = idle.size();
            if (usable(c)) {
                activeCount++;
                pool.stats().assignments.increment();
                c.transition(ServerConnection.State.ACTIVE);
                return c;
            }
            c.close();
        }
        return null;
    }

    /**
     * Waiting clients are checked against query_wait_timeout by a sweep that runs only while some
     * wait (one timer per loop, not one per waiter: at 256 clients on 20 connections nearly every
     * transaction waits a little).
     */
    private void scheduleSweep() {
        Duration timeout = pool.settings().queryWaitTimeout();
        if (sweepScheduled || timeout.isZero()) {
            return;
        }
        sweepScheduled = true;
        long period = Math.max(10, Math.min(100, timeout.toMillis() / 10));
        loop.schedule(this::sweep, period, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        sweepScheduled = false;
        long limit = pool.settings().queryWaitTimeout().toNanos();
        long now = System.nanoTime();
        Waiter w;
        while ((w = waiters.peekFirst()) != null && (w.isFinished() || (limit > 0 && now - w.sinceNanos >= limit))) {
            waiters.pollFirst();
            timedOut(w);
        }
        waitingCount = waiters.size();
        if (!waiters.isEmpty()) {
            if (connecting < waiters.size() && !pool.isPaused()) {
                // again: a breaker that refused to open a connection may allow it now (a health check
                // closed it), and another loop's idle connection may have become spare (grow rebalances)
                grow();
            } else if (starving) {
                pool.rebalance(this);
            }
            scheduleSweep();
        }
    }

    private void timedOut(Waiter w) {
        if (w.finish()) {
            waiters.remove(w);
            waitingCount = waiters.size();
            pool.stats().waitTimeouts.increment();
            w.client.onAcquireFailed(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "query_wait_timeout")
                    .withDetail("no server connection to " + pool.key() + " became free within "
                            + pool.settings().queryWaitTimeout().toMillis() + " ms"));
            starving = connecting < waiters.size() && starving;
        }
    }

    /** A connection is free: the oldest waiter gets it, else it idles (or goes to a starved loop). */
    private void offer(ServerConnection c) {
        if (pool.isPaused()) {
            c.close(); // PAUSE disconnects from the server, as PgBouncer's does; RESUME opens new ones
            return;
        }
        Waiter w;
        while ((w = waiters.pollFirst()) != null) {
            if (w.finish()) {
                waitingCount = waiters.size();
                pool.stats().recordWait(System.nanoTime() - w.sinceNanos);
                lease(c, w.client);
                starving = starving && connecting < waiters.size();
                return;
            }
        }
        waitingCount = 0;
        starving = false;
        if (pool.anotherPartitionStarving(this, held() + 1, false)) {
            c.close(); // its slot is reopened on the starved loop
            return;
        }
        idle.addFirst(c);
        idleCount = idle.size();
    }

    private void lease(ServerConnection c, PoolClient client) {
        activeCount++;
        pool.stats().assignments.increment();
        c.transition(ServerConnection.State.ACTIVE);
        client.onServerAcquired(c);
    }

    void release(ServerConnection c) {
        activeCount--;
        c.attach(null);
        if (c.state() == ServerConnection.State.CLOSED) {
            return;
        }
        c.transition(ServerConnection.State.IDLE);
        if (!usable(c)) {
            c.close();
            return;
        }
        if (!c.channel().config().isAutoRead()) {
            c.channel().config().setAutoRead(true);
        }
        offer(c);
    }

    private void closed(ServerConnection c) {
        open.remove(c);
        if (idle.remove(c)) {
            idleCount = idle.size();
        }
        pool.unreserve();
    }

    /**
     * An idle connection unused this long is spare: a starved loop may have it whatever the shares.
     * Long enough that connections of a busy pool do not move back and forth between loops.
     */
    private static final long SPARE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** The connections this partition holds, idle or leased (read from other loops: approximate). */
    int held() {
        return idleCount + activeCount;
    }

    /** Another loop is starved: give up one idle connection (the least recently used). */
    void donateIdle() {
        if (!idle.isEmpty() && pool.anotherPartitionStarving(this, held(),
                System.nanoTime() - idle.peekLast().lastUsedNanos() >= SPARE_AFTER_NANOS)) {
            ServerConnection c = idle.pollLast();
            idleCount = idle.size();
            c.close();
        }
    }

    void closeAllIdle() {
        ServerConnection c;
        while ((c = idle.pollFirst()) != null) {
            c.close();
        }
        idleCount = 0;
    }


    private boolean expired(ServerConnection c, long now) {
        Duration life = pool.settings().maxLifetime();
        return !life.isZero() && now - c.createdNanos() > life.toNanos();
    }

    /** Opened before the last RECONNECT or backend change (issue 4): closed when it comes back. */
    private boolean retired(ServerConnection c) {
        return open.retired(c, pool.generation());
    }

    private boolean usable(ServerConnection c) {
        return c.isReusable() && !expired(c, System.nanoTime()) && !retired(c);
    }

    // --- admin console (issue 4): PAUSE/RESUME, RECONNECT, KILL, SHOW; on this loop ---

    /** After {@link Pool#resume}: hands idle connections to the waiters queued during the pause, then opens more. */
    void resume() {
        ServerConnection c;
        while (!waiters.isEmpty() && (c = idle.pollFirst()) != null) {
            idleCount = idle.size();
            if (usable(c)) {
                offer(c);
            } else {
                c.close();
            }
        }
        grow();
    }

    /** KILL: closes every connection, idle or in use. */
    void closeAll() {
        open.closeAll();
        closeAllIdle();
    }

    PartitionSnapshot snapshot() {
        List<ServerSnapshot> servers = open.snapshot(pool.generation());
        List<PartitionSnapshot.Waiting> waiting = new ArrayList<>(waiters.size());
        for (Waiter w : waiters) {
            waiting.add(new PartitionSnapshot.Waiting(w.client, w.sinceNanos));
        }
        return new PartitionSnapshot(servers, waiting, connecting, pool.isPaused());
    }

    // --- janitor: once a second on this loop ---

    void startJanitor() {
        loop.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
    }

    /** Also run at once by RECONNECT, so idle connections of an older generation go now. */
    void maintain() {
        PoolSettings s = pool.settings();
        long now = System.nanoTime();
        int keep = minIdleShare(s.minIdle());
        Iterator<ServerConnection> it = idle.descendingIterator(); // oldest-used first
        while (it.hasNext()) {
            ServerConnection c = it.next();
            boolean idleTooLong = !s.idleTimeout().isZero() && now - c.lastUsedNanos() > s.idleTimeout().toNanos()
                    && idle.size() > keep;
            if (idleTooLong || expired(c, now) || !c.isReusable() || retired(c)) {
                it.remove();
                c.close();
            }
        }
        idleCount = idle.size();
        while (!pool.isPaused() && idle.size() + connecting < keep && connecting < MAX_CONNECTING && waiters.isEmpty()
                && pool.tryReserve()) {
            open();
        }
    }

    /** This partition's part of min_idle, spread evenly over the loops. */
    private int minIdleShare(int minIdle) {
        int n = pool.partitionCount();
        return minIdle / n + (index < minIdle % n ? 1 : 0);
    }

    EventLoop loop() {
        return loop;
    }

    boolean isStarving() {
        return starving;
    }

    int idleCount() {
        return idleCount;
    }

    int activeCount() {
        return activeCount;
    }

    int waitingCount() {
        return waitingCount;
    }

    int connectingCount() {
        return connecting;
    }
}
