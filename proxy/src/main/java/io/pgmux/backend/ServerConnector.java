package io.pgmux.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import io.pgmux.tls.TlsContexts;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * Opens and logs in server connections, always on the event loop of the client that needs one, so
 * the pair never crosses threads.
 */
public final class ServerConnector {
    private final Bootstrap template;
    /** For servers on a Unix-domain socket: the domain channel type, no TCP options; null when not available. */
    private final Bootstrap domainTemplate;
    private final java.util.function.Function<java.nio.file.Path, java.net.SocketAddress> domainAddress;
    private final Supplier<TlsContexts> tls;
    /** Every server channel still open (a channel leaves the group when it closes), for {@link #closeAll()}. */
    private final ChannelGroup channels = new DefaultChannelGroup("pgmux-servers", GlobalEventExecutor.INSTANCE);

    /** Plain TCP to every server. @param template a bootstrap with the channel type and socket options set */
    public ServerConnector(Bootstrap template) {
        this(template, TlsContexts::disabled);
    }

    /**
     * @param template a bootstrap with the channel type and socket options set; cloned per connect
     * @param tls      the TLS settings in force, read at each connect so a reload applies to new connections
     */
    public ServerConnector(Bootstrap template, Supplier<TlsContexts> tls) {
        this(template, null, null, tls);
    }

    /**
     * @param domainTemplate as {@code template}, for servers reached through a Unix-domain socket
     * @param domainAddress  the address a socket file path is connected as, for the transport in use
     */
    public ServerConnector(Bootstrap template, Bootstrap domainTemplate,
                           java.util.function.Function<java.nio.file.Path, java.net.SocketAddress> domainAddress,
                           Supplier<TlsContexts> tls) {
        this.template = template;
        this.domainTemplate = domainTemplate;
        this.domainAddress = domainAddress;
        this.tls = tls;
    }

    /** A bootstrap for {@code target} on {@code loop}: TCP, or the Unix-domain socket its host names. */
    private Bootstrap bootstrap(EventLoop loop, ServerTarget target) {
        if (!target.isUnixSocket()) {
            return template.clone(loop);
        }
        if (domainTemplate == null) {
            throw new IllegalStateException("no Unix-domain socket transport here for " + target.address());
        }
        return domainTemplate.clone(loop);
    }

    private ChannelFuture connect(Bootstrap b, ServerTarget target) {
        return target.isUnixSocket() ? b.connect(domainAddress.apply(target.socketPath())) : b.connect(target.host(), target.port());
    }

    /**
     * Connects and logs in within {@code timeout} (TCP connect plus authentication). The future
     * fails with a {@link ServerLoginException} describing the error a client should see.
     */
    public Future<ServerConnection> connect(EventLoop loop, ServerTarget target, Duration timeout) {
        Promise<ServerConnection> promise = loop.newPromise();
        ServerConnection[] holder = new ServerConnection[1];
        TlsContexts contexts = tls.get();
        Bootstrap b = bootstrap(loop, target)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        holder[0] = new ServerConnection(ch, target);
                        ch.pipeline().addLast("login", new ServerLoginHandler(holder[0], promise, contexts));
                    }
                });
        ChannelFuture cf = connect(b, target);
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (promise.tryFailure(new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                    "could not connect to server \"" + target.address() + "\": timeout expired after "
                            + timeout.toMillis() + " ms")))) {
                cf.channel().close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(ServerLoginException.from(f.cause(), target));
            }
        });
        promise.addListener(f -> {
            timer.cancel(false);
            if (!f.isSuccess()) {
                cf.channel().close();
            }
        });
        return promise;
    }

    /**
     * Closes every server connection this connector opened (pool, health check and probe
     * connections), for shutdown. The future completes when all are closed: with io_uring a close
     * waits for the socket's outstanding operations, so the event loops must run until then.
     */
    public ChannelGroupFuture closeAll() {
        return channels.close();
    }

    /** Sends a CancelRequest for {@code server}'s running query over a fresh connection, then closes it. */
    public void cancel(EventLoop loop, ServerTarget target, int pid, int secret) {
        Bootstrap b = bootstrap(loop, target).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // nothing to read: PostgreSQL closes a cancel connection without answering
            }
        });
        connect(b, target).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                f.channel().writeAndFlush(io.pgmux.protocol.FrontendMessages.cancelRequest(f.channel().alloc(), pid, secret))
                        .addListener(w -> f.channel().close());
            }
        });
    }
}
