package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerConnector;
import io.pgmux.backend.ServerTarget;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server connections of one (database, server user). Split into one {@link LoopPool} partition
 * per event loop: a client only ever gets a connection living on its own loop, so a session and its
 * server never cross threads and no partition needs a lock. The global {@code size} is one atomic
 * counter; when one loop is starved while another holds idle connections, the idle one is closed
 * and reopened on the starved loop (rebalancing) instead of sharing it across threads.
 */
public final class Pool {
    private final PoolKey key;
    private final ServerTarget target;
    private final ServerConnector connector;
    private final LoopIndex loops;
    private final LoopPool[] partitions;
    private final AtomicInteger reserved = new AtomicInteger();
    private final PoolStats stats = new PoolStats();
    private volatile PoolSettings settings;
    private volatile Map<String, String> welcomeParameters;

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

    /** Gives a connection back; on its event loop. Unusable connections are closed instead. */
    public void release(ServerConnection server) {
        ((LoopPool) server.owner()).release(server);
    }

    public LoopPool partition(EventLoop loop) {
        return partitions[loops.indexOf(loop)];
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

    boolean anotherPartitionStarving(LoopPool self) {
        for (LoopPool p : partitions) {
            if (p != self && p.isStarving()) {
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

    /** Closes every idle connection, e.g. at shutdown. */
    public void closeIdle() {
        for (LoopPool p : partitions) {
            p.loop().execute(p::closeAllIdle);
        }
    }

    @Override
    public String toString() {
        return "pool " + key;
    }
}
