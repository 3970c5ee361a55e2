package io.pgmux.pool;

import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerListener;

import java.net.SocketAddress;

/**
 * One server connection as seen at one moment on its event loop, for the admin console and the
 * metrics (SHOW SERVERS). Holds no reference that outlives the answer it is used for.
 *
 * @param id                 pgmux's number for the connection
 * @param state              its lifecycle state
 * @param backendPid         the server process id (from BackendKeyData)
 * @param createdNanos       {@link System#nanoTime()} when it was opened
 * @param lastUsedNanos      {@link System#nanoTime()} when it last went idle
 * @param preparedStatements statements prepared on it by pgmux's statement cache
 * @param holder             who holds it now (a client session), or null when idle
 * @param closeNeeded        opened before a RECONNECT or backend change: closed when released
 * @param local              the local socket address
 * @param remote             the server's socket address
 * @param applicationName    the application_name the server last reported on it, or null
 * @param tls                TLS version and cipher of the connection ({@code TLSv1.3/TLS_AES_256_GCM_SHA384}),
 *                           or empty when it is plain
 */
public record ServerSnapshot(long id, ServerConnection.State state, int backendPid, long createdNanos,
                             long lastUsedNanos, int preparedStatements, ServerListener holder,
                             boolean closeNeeded, SocketAddress local, SocketAddress remote,
                             String applicationName, String tls) {

    /** Reads {@code c}; must run on its event loop. */
    static ServerSnapshot of(ServerConnection c, boolean closeNeeded) {
        return new ServerSnapshot(c.id(), c.state(), c.backendPid(), c.createdNanos(), c.lastUsedNanos(),
                c.statements().size(), c.listener(), closeNeeded, c.channel().localAddress(),
                c.channel().remoteAddress(), c.reportedParameters().get("application_name"),
                io.pgmux.tls.TlsContexts.describe(c.channel()));
    }
}
