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
