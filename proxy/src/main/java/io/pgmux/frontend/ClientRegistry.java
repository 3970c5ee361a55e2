package io.pgmux.frontend;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every client connection pgmux holds: a count of all of them (for max_client_connections, which
 * includes clients still logging in) and the logged-in sessions (for draining and the admin console).
 */
public final class ClientRegistry {
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger loggingIn = new AtomicInteger();
    /** Logged-in clients per user and per database, for users[].max_client_connections and its database twin. */
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perDatabase = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClientSession, Boolean> sessions = new ConcurrentHashMap<>();

    /** Counts a new connection; returns the count including it. */
    public int connected() {
        return connections.incrementAndGet();
    }

    public void disconnected() {
        connections.decrementAndGet();
    }

    /** Counts a connection that has not finished authentication; returns the count including it. */
    int loginStarted() {
        return loggingIn.incrementAndGet();
    }

    void loginEnded() {
        loggingIn.decrementAndGet();
    }

    /**
     * Counts an authenticated client of {@code user} on {@code database} unless that would pass one of
     * the limits (0 = none). Returns null when counted (undo with {@link #leave}), else PostgreSQL's
     * message for the limit passed.
     */
    String admit(String user, int userMax, String database, int databaseMax) {
        int u = perUser.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
        int d = perDatabase.computeIfAbsent(database, k -> new AtomicInteger()).incrementAndGet();
        String refused = userMax > 0 && u > userMax ? "too many connections for role \"" + user + "\""
                : databaseMax > 0 && d > databaseMax ? "too many connections for database \"" + database + "\""
                : null;
        if (refused != null) {
            leave(user, database);
        }
        return refused;
    }

    void leave(String user, String database) {
        AtomicInteger u = perUser.get(user);
        AtomicInteger d = perDatabase.get(database);
        if (u != null && d != null) {
            u.decrementAndGet();
            d.decrementAndGet();
        }
    }

    /** Logged-in clients of this user (admitted by {@link #admit}). */
    public int userCount(String user) {
        AtomicInteger n = perUser.get(user);
        return n == null ? 0 : n.get();
    }

    /** Connections that have not finished authentication. */
    public int loggingInCount() {
        return loggingIn.get();
    }

    public int connectionCount() {
        return connections.get();
    }

    void add(ClientSession s) {
        sessions.put(s, Boolean.TRUE);
    }

    void remove(ClientSession s) {
        sessions.remove(s);
    }

    /** The client timeouts changed (RELOAD): every session's timer re-reads them, on its own loop. */
    public void timeoutsChanged() {
        for (ClientSession s : sessions.keySet()) {
            s.timeoutsChanged();
        }
    }

    public Collection<ClientSession> sessions() {
        return Collections.unmodifiableSet(sessions.keySet());
    }
}
