package io.pgmux.metrics;

import io.pgmux.frontend.ClientSession;
import io.pgmux.pool.Pool;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Client sessions counted by pool and state, once per scrape (one pass over the sessions instead of
 * one per gauge). The gauges read the last count.
 */
final class ClientCensus {
    /** The client states exported, as label values. */
    enum ClientState { ACTIVE, WAITING, IDLE, PINNED }

    private volatile Map<Pool, long[]> counts = Map.of();

    /** Recounts; called before each scrape. */
    void refresh(Collection<ClientSession> sessions) {
        Map<Pool, long[]> next = new IdentityHashMap<>();
        for (ClientSession s : sessions) {
            long[] c = next.computeIfAbsent(s.pool(), p -> new long[ClientState.values().length]);
            switch (s.state()) {
                case ACTIVE -> c[ClientState.ACTIVE.ordinal()]++;
                case WAITING -> c[ClientState.WAITING.ordinal()]++;
                case IDLE -> c[ClientState.IDLE.ordinal()]++;
                case CLOSED -> {
                    continue;
                }
            }
            if (!s.pinnedBy().isEmpty()) {
                c[ClientState.PINNED.ordinal()]++;
            }
        }
        counts = next;
    }

    long count(Pool pool, ClientState state) {
        long[] c = counts.get(pool);
        return c == null ? 0 : c[state.ordinal()];
    }
}
