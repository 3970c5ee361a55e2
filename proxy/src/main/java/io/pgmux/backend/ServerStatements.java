package io.pgmux.backend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The statements one server connection has prepared, least recently used first, bounded by the
 * pool's max_prepared_statements. An entry is made when pgmux sends the Parse, so later messages
 * of the same pipeline see it, and undone if that Parse fails.
 */
public final class ServerStatements {
    private final LinkedHashMap<String, PreparedStatement> lru = new LinkedHashMap<>(32, 0.75f, true);

    /** True when this server has the very statement (not just one with a colliding name). */
    public boolean contains(PreparedStatement s) {
        PreparedStatement cached = lru.get(s.serverName());
        return cached != null && cached.sameAs(s);
    }

    /**
     * Records {@code s} as being prepared and returns the server names to Close first: the least
     * recently used ones beyond {@code capacity}, and a different statement whose name collides.
     */
    public List<String> add(PreparedStatement s, int capacity) {
        List<String> close = List.of();
        PreparedStatement previous = lru.remove(s.serverName());
        if (previous != null) {
            close = new ArrayList<>(2);
            close.add(previous.serverName());
        }
        Iterator<PreparedStatement> it = lru.values().iterator();
        while (lru.size() >= Math.max(1, capacity) && it.hasNext()) {
            PreparedStatement eldest = it.next();
            it.remove();
            if (close.isEmpty()) {
                close = new ArrayList<>(2);
            }
            close.add(eldest.serverName());
        }
        lru.put(s.serverName(), s);
        return close;
    }

    /** Undoes {@link #add} when the Parse failed or was never run. */
    public void remove(PreparedStatement s) {
        lru.remove(s.serverName(), s);
    }

    /** The server dropped everything (DISCARD ALL, DEALLOCATE ALL). */
    public void clear() {
        lru.clear();
    }

    public int size() {
        return lru.size();
    }
}
