package io.pgmux.pool;

import io.netty.util.concurrent.ScheduledFuture;

/** A client queued for a connection, with its query_wait_timeout timer. Loop-confined. */
final class Waiter {
    final PoolClient client;
    final long sinceNanos = System.nanoTime();
    ScheduledFuture<?> timer;
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
        if (timer != null) {
            timer.cancel(false);
        }
        return true;
    }
}
