package io.pgmux.admin;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.pgmux.pool.PartitionSnapshot;
import io.pgmux.pool.Pool;
import io.pgmux.pool.ServerSnapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pool with its partitions read on their own event loops and merged: its server connections,
 * its queued clients (oldest first) and the connections being opened.
 */
record PoolState(Pool pool, List<ServerSnapshot> servers, List<PartitionSnapshot.Waiting> waiting, int opening) {

    /** Reads every pool; completes on whichever loop answers last, so callers hop to their own loop. */
    static Future<List<PoolState>> of(Collection<Pool> pools) {
        List<Pool> list = new ArrayList<>(pools);
        list.sort(Comparator.comparing((Pool p) -> p.key().database()).thenComparing(p -> p.key().user()));
        Promise<List<PoolState>> all = ImmediateEventExecutor.INSTANCE.newPromise();
        if (list.isEmpty()) {
            all.setSuccess(List.of());
            return all;
        }
        PoolState[] states = new PoolState[list.size()];
        AtomicInteger remaining = new AtomicInteger(list.size());
        for (int i = 0; i < list.size(); i++) {
            Pool pool = list.get(i);
            int slot = i;
            Future<List<PartitionSnapshot>> f = pool.snapshot();
            f.addListener(x -> {
                if (!f.isSuccess()) {
                    all.tryFailure(f.cause());
                    return;
                }
                states[slot] = merge(pool, f.getNow());
                if (remaining.decrementAndGet() == 0) {
                    all.trySuccess(List.of(states));
                }
            });
        }
        return all;
    }

    private static PoolState merge(Pool pool, List<PartitionSnapshot> parts) {
        List<ServerSnapshot> servers = new ArrayList<>();
        List<PartitionSnapshot.Waiting> waiting = new ArrayList<>();
        int opening = 0;
        for (PartitionSnapshot p : parts) {
            servers.addAll(p.servers());
            waiting.addAll(p.waiting());
            opening += p.opening();
        }
        servers.sort(Comparator.comparingLong(ServerSnapshot::id));
        waiting.sort(Comparator.comparingLong(PartitionSnapshot.Waiting::sinceNanos));
        return new PoolState(pool, List.copyOf(servers), List.copyOf(waiting), opening);
    }

    long count(io.pgmux.backend.ServerConnection.State state) {
        return servers.stream().filter(s -> s.state() == state).count();
    }

    /** How long the oldest queued client has waited, in microseconds; 0 with nobody queued. */
    long maxWaitMicros(long nowNanos) {
        return waiting.isEmpty() ? 0 : (nowNanos - waiting.get(0).sinceNanos()) / 1000;
    }
}
