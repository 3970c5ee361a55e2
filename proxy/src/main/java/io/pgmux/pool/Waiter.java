package io.pgmux.pool;

/** A client queued for a connection. Loop-confined. */
final class Waiter {
    final PoolClient client;
    final long sinceNanos = System.nanoTime();
    private boolean done;

    Waiter(PoolClient client) {
        this.client = client;
    }

    /** Takes the waiter out of the running exactly once: for a connection, a timeout or a failure. */
    boolean finish() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    boolean isFinished() {
        return done;
    }
}
