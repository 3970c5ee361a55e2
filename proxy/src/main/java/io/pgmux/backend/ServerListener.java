package io.pgmux.backend;

import io.netty.buffer.ByteBuf;

/**
 * The client session currently holding a server connection. All calls happen on the event loop
 * both channels share.
 */
public interface ServerListener {
    /** Bytes from the server; the listener owns {@code data} and must release it. */
    void onServerData(ServerConnection server, ByteBuf data);

    /** The end of a read batch: the moment to flush what was written to the client. */
    void onServerReadComplete(ServerConnection server);

    /** The server socket's writability changed: resume or pause reading the client. */
    void onServerWritabilityChanged(ServerConnection server, boolean writable);

    /** The server connection is gone. */
    void onServerClosed(ServerConnection server);
}
