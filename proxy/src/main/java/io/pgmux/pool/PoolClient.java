package io.pgmux.pool;

import io.netty.channel.EventLoop;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.PgError;

/** A client session asking its pool for a server connection. Called back on its own event loop. */
public interface PoolClient {
    EventLoop eventLoop();

    /** The connection is now this client's until it calls {@link Pool#release}. */
    void onServerAcquired(ServerConnection server);

    /** No connection could be had: wait timeout, or the server cannot be reached. */
    void onAcquireFailed(PgError error);
}
