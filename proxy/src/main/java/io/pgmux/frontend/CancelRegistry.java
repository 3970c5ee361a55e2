package io.pgmux.frontend;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The (pid, secret) keys pgmux hands to its clients in BackendKeyData. A client never sees a
 * server's real key: its CancelRequest is matched here and re-sent, with the real key, to whichever
 * server connection that client is using at that moment.
 */
public final class CancelRegistry {
    private final ConcurrentHashMap<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
    private final SecureRandom random = new SecureRandom();

    /** A fresh key: pid unique among live sessions (positive, like a real pid), secret random. */
    public long newKey() {
        int pid = nextPid.getAndIncrement() & 0x7fffffff;
        if (pid == 0) {
            pid = nextPid.getAndIncrement();
        }
        return ((long) pid << 32) | (random.nextInt() & 0xffffffffL);
    }

    public void register(long key, ClientSession session) {
        sessions.put(key, session);
    }

    public void unregister(long key) {
        sessions.remove(key);
    }

    /** Forwards a cancel for the session holding this key; unknown keys are dropped silently, as PostgreSQL does. */
    public void cancel(int pid, int secret) {
        ClientSession s = sessions.get(((long) pid << 32) | (secret & 0xffffffffL));
        if (s != null) {
            s.eventLoop().execute(s::cancel);
        }
    }

    public static int pid(long key) {
        return (int) (key >>> 32);
    }

    public static int secret(long key) {
        return (int) key;
    }
}
