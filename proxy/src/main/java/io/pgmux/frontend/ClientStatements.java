package io.pgmux.frontend;

import io.pgmux.backend.PreparedStatement;

import java.util.HashMap;
import java.util.Map;

/**
 * The named statements one client has prepared, by the client's own names. Bounded by
 * max_client_prepared_statements so a client preparing endless distinct statements gets an error
 * rather than exhausting the heap.
 */
final class ClientStatements {
    private final Map<String, PreparedStatement> byName = new HashMap<>();
    private final int limit;

    ClientStatements(int limit) {
        this.limit = limit;
    }

    PreparedStatement get(String name) {
        return byName.get(name);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    boolean full() {
        return byName.size() >= limit;
    }

    void put(String name, PreparedStatement s) {
        byName.put(name, s);
    }

    PreparedStatement remove(String name) {
        return byName.remove(name);
    }

    /** Undo of a failed Parse: only if the name still means that statement. */
    void remove(String name, PreparedStatement s) {
        byName.remove(name, s);
    }

    void clear() {
        byName.clear();
    }

    int size() {
        return byName.size();
    }

    int limit() {
        return limit;
    }
}
