package io.pgmux.backend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.PgException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pgmux's own tiny client for one-off queries to a server (its max_connections at start-up; later
 * health and lag checks): opens a connection, runs one simple query, returns the first row as
 * text, closes. No JDBC on the proxy's side.
 */
public final class ServerProbe extends SimpleQueryReader {
    private final Promise<List<String>> promise;

    private ServerProbe(Promise<List<String>> promise) {
        this.promise = promise;
    }

    /** Runs {@code sql} on a fresh connection to {@code target}; fails with a {@link PgException} on error. */
    public static Future<List<String>> query(ServerConnector connector, EventLoop loop, ServerTarget target,
                                             Duration timeout, String sql) {
        return query(connector, loop, target, timeout, sql, ServerTarget.HEALTH_CHECK_APPLICATION);
    }

    /** {@link #query(ServerConnector, EventLoop, ServerTarget, Duration, String)} under another {@code application_name}. */
    public static Future<List<String>> query(ServerConnector connector, EventLoop loop, ServerTarget target,
                                             Duration timeout, String sql, String applicationName) {
        Promise<List<String>> promise = loop.newPromise();
        connector.connect(loop, target.withApplicationName(applicationName), timeout).addListener((Future<ServerConnection> f) -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            ServerConnection conn = f.getNow();
            ServerProbe probe = new ServerProbe(promise);
            conn.attach(probe);
            conn.write(FrontendMessages.query(conn.channel().alloc(), sql));
            conn.flush();
            loop.schedule(() -> promise.tryFailure(new java.util.concurrent.TimeoutException(
                    "no answer from " + target.address() + " within " + timeout.toMillis() + " ms")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
            promise.addListener(x -> conn.close());
        });
        return promise;
    }

    @Override
    protected void answered(List<String> firstRow) {
        promise.trySuccess(firstRow);
    }

    @Override
    protected void failed(Throwable cause) {
        promise.tryFailure(cause);
    }

    @Override
    public void onServerClosed(ServerConnection server) {
        promise.tryFailure(new IllegalStateException("server closed the connection"));
    }
}
