package io.pgmux.pool;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one pool, written by every event loop, read by the admin console and metrics. */
public final class PoolStats {
    public final LongAdder transactions = new LongAdder();
    public final LongAdder queries = new LongAdder();
    public final LongAdder bytesFromClients = new LongAdder();
    public final LongAdder bytesFromServers = new LongAdder();
    public final LongAdder transactionNanos = new LongAdder();
    public final LongAdder waits = new LongAdder();
    public final LongAdder waitNanos = new LongAdder();
    public final LongAdder waitTimeouts = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder serverConnectionsOpened = new LongAdder();
    public final LongAdder preparedHits = new LongAdder();
    public final LongAdder preparedMisses = new LongAdder();
    public final LongAdder preparedEvictions = new LongAdder();
}
