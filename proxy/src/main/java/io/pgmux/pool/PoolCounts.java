package io.pgmux.pool;

/** A snapshot of a pool's connection and client counts. */
public record PoolCounts(int serversActive, int serversIdle, int serversOpening, int clientsWaiting) {
}
