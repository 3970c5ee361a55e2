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
    /** Names prepared on the server that must be closed before their next use (stale, or dropped by a client). */
    private List<String> toClose = List.of();

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

    /**
     * The statement may no longer be used as prepared on the server (its cached plan went stale, or a
     * client deallocated it): forget it, and close it there before it is prepared again.
     */
    public void invalidate(PreparedStatement s) {
        if (lru.remove(s.serverName(), s)) {
            if (toClose.isEmpty()) {
                toClose = new ArrayList<>(2);
            }
            toClose.add(s.serverName());
        }
    }

    /** The names to Close on the server now (each once); empty almost always. */
    public List<String> takeToClose() {
        List<String> names = toClose;
        if (!names.isEmpty()) {
            toClose = List.of();
        }
        return names;
    }

    /** Undoes {@link #add} when the Parse failed or was never run. */
    public void remove(PreparedStatement s) {
        lru.remove(s.serverName(), s);
    }

    /** The server dropped everything (DISCARD ALL, DEALLOCATE ALL). */
    public void clear() {
        lru.clear();
        toClose = List.of();
    }

    public int size() {
        return lru.size();
    }
}
