package io.pgmux.backend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgmux.protocol.FrontendMessages;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long-lived connection pgmux uses for its own checks of one server (health, role, replication
 * lag): one simple query at a time, answered with its first row as text. Reconnects on the next
 * query after any failure, so a checked server that went away is simply reported down until it
 * comes back. All calls on {@code loop}.
 */
public final class MonitorConnection extends SimpleQueryReader {
    /** The least time a check's connect and login may take (health_check_timeout when longer). */
    static final Duration LOGIN_ALLOWANCE = Duration.ofSeconds(5);
    private final ServerConnector connector;
    private final EventLoop loop;
    private volatile ServerTarget target;
    private final Duration timeout;
    private ServerConnection conn;
    private Promise<List<String>> pending;

    public MonitorConnection(ServerConnector connector, EventLoop loop, ServerTarget target, Duration timeout) {
        this.connector = connector;
        this.loop = loop;
        this.target = target.withApplicationName(ServerTarget.HEALTH_CHECK_APPLICATION);
        this.timeout = timeout;
    }

    /** True while a query is running (on the loop). */
    public boolean busy() {
        return pending != null;
    }

    /** Runs {@code sql}; the future fails on a connect error, a server error or the timeout. */
    public Future<List<String>> query(String sql) {
        Promise<List<String>> promise = loop.newPromise();
        loop.execute(() -> start(sql, promise));
        return promise;
    }

    private void start(String sql, Promise<List<String>> promise) {
        if (pending != null) {
            promise.tryFailure(new IllegalStateException("a check is still running on " + target.address()));
            return;
        }
        pending = promise;
        forgetRow();
        promise.addListener(f -> {
            if (pending == promise) {
                pending = null;
            }
        });
        if (conn != null && conn.channel().isActive()) {
            send(sql, promise);
            return;
        }
        // logging in (SCRAM, a backend process forked) gets its own, longer allowance: a cold start
        // or a loaded machine must not turn a healthy server "down" and count against its breaker
        Duration login = timeout.compareTo(LOGIN_ALLOWANCE) > 0 ? timeout : LOGIN_ALLOWANCE;
        connector.connect(loop, target, login).addListener((Future<ServerConnection> f) -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            if (promise.isDone()) {
                f.getNow().close();
                return;
            }
            conn = f.getNow();
            conn.attach(this);
            send(sql, promise);
        });
    }

    /** Sends the check's query; it must be answered within the timeout. */
    private void send(String sql, Promise<List<String>> promise) {
        loop.schedule(() -> {
            if (promise.tryFailure(new TimeoutException("no answer from " + target.address() + " within "
                    + timeout.toMillis() + " ms"))) {
                drop();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        conn.write(FrontendMessages.query(conn.channel().alloc(), sql));
        conn.flush();
    }

    /** The server to check from now on (after a reload). */
    public void retarget(ServerTarget newTarget) {
        this.target = newTarget.withApplicationName(ServerTarget.HEALTH_CHECK_APPLICATION);
        loop.execute(this::drop);
    }

    private void drop() {
        if (conn != null) {
            conn.close();
            conn = null;
        }
    }

    public void close() {
        loop.execute(this::drop);
    }

    @Override
    protected void answered(List<String> firstRow) {
        Promise<List<String>> p = pending;
        if (p != null) {
            p.trySuccess(firstRow);
        }
    }

    @Override
    protected void failed(Throwable cause) {
        Promise<List<String>> p = pending;
        if (p != null) {
            p.tryFailure(cause);
        }
    }

    @Override
    public void onServerClosed(ServerConnection server) {
        conn = null;
        failed(new IllegalStateException("server " + target.address() + " closed the connection"));
    }
}
