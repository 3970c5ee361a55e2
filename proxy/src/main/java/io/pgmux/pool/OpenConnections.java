package io.pgmux.pool;

import io.pgmux.backend.ServerConnection;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A partition's open server connections, idle or leased, each with the pool generation it was
 * opened in. A connection from an older generation (before a RECONNECT or a backend change) is
 * closed when it comes back. Loop-confined, like its {@link LoopPool}; touched only when a
 * connection opens or closes, never per transaction.
 */
final class OpenConnections {
    private final Map<ServerConnection, Integer> generations = new IdentityHashMap<>();

    void add(ServerConnection c, int generation) {
        generations.put(c, generation);
    }

    void remove(ServerConnection c) {
        generations.remove(c);
    }

    boolean retired(ServerConnection c, int currentGeneration) {
        Integer generation = generations.get(c);
        return generation != null && generation < currentGeneration;
    }

    /** Closes them all; each close removes its entry later, through the channel's close future. */
    void closeAll() {
        for (ServerConnection c : new ArrayList<>(generations.keySet())) {
            c.close();
        }
    }

    List<ServerSnapshot> snapshot(int currentGeneration) {
        List<ServerSnapshot> out = new ArrayList<>(generations.size());
        generations.forEach((c, generation) -> out.add(ServerSnapshot.of(c, generation < currentGeneration)));
        return out;
    }
}
