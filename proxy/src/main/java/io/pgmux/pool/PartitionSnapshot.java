package io.pgmux.pool;

import java.util.List;

/**
 * What one pool partition holds at one moment, read on its event loop (see {@link Pool#snapshot}).
 *
 * @param servers  its open connections
 * @param waiting  clients queued for a connection, oldest first
 * @param opening  connections being opened (TCP connect plus login)
 * @param paused   true while PAUSE holds the partition
 */
public record PartitionSnapshot(List<ServerSnapshot> servers, List<Waiting> waiting, int opening, boolean paused) {

    public PartitionSnapshot {
        servers = List.copyOf(servers);
        waiting = List.copyOf(waiting);
    }

    /** A queued client and since when ({@link System#nanoTime()}) it waits. */
    public record Waiting(PoolClient client, long sinceNanos) {
    }
}
