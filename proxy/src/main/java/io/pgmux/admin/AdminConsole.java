package io.pgmux.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgmux.config.HostPort;
import io.pgmux.frontend.LoginHandler;
import io.pgmux.frontend.SessionContext;
import io.pgmux.protocol.StartupPacketDecoder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The PostgreSQL-protocol admin console: a listener of its own ({@code admin.listen}) where users
 * in {@code admin.users} log in, as ordinary clients do, to database {@code pgmux} (or
 * {@code pgbouncer}, for existing scripts) and run PgBouncer's SHOW/PAUSE/RESUME/... commands.
 * Sessions live on one event loop of their own, so a slow command never delays client traffic.
 */
public final class AdminConsole {
    private static final Logger LOG = Logger.getLogger(AdminConsole.class.getName());

    private final ProxyControl control;
    private final SessionContext context;
    private final Set<AdminHandler> sessions = ConcurrentHashMap.newKeySet();
    private final ExecutorService blocking = Executors.newSingleThreadExecutor(new DefaultThreadFactory("pgmux-admin-work", true));
    private final CommandRunner runner;
    private final StatsViews stats;
    private EventLoopGroup group;
    private Channel listener;

    public AdminConsole(ProxyControl control, SessionContext context) {
        this.control = control;
        this.context = context;
        this.runner = new CommandRunner(control, this, blocking);
        this.stats = new StatsViews(control::pools);
    }

    /**
     * Binds {@code listen}. Logins go through the same {@link LoginHandler} as clients, in admin
     * mode; it hands each admin user over with {@link #accept}.
     *
     * @param acceptor    the proxy's acceptor group
     * @param newGroup    makes the console's own single event loop
     * @param serverClass the transport's server channel class
     */
    public InetSocketAddress start(HostPort listen, EventLoopGroup acceptor,
                                   Function<Integer, EventLoopGroup> newGroup,
                                   Class<? extends ServerChannel> serverClass) throws InterruptedException {
        group = newGroup.apply(1);
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, group)
                .channel(serverClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("startup", new StartupPacketDecoder());
                        ch.pipeline().addLast("login", new LoginHandler(context, true));
                    }
                });
        listener = b.bind(listen.host(), listen.port()).sync().channel();
        stats.start(group.next());
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        LOG.info(() -> "admin console listening on " + address + " (users: " + control.config().admin().users() + ")");
        return address;
    }

    /** An admin user logged in on {@code channel} (on its event loop): the console takes it over. */
    public void accept(Channel channel, String user) {
        AdminHandler handler = new AdminHandler(this, runner, user);
        sessions.add(handler);
        channel.pipeline().addLast("admin", handler);
        // FINE: an exporter logs in at every scrape; refused logins are logged at INFO by the LoginHandler
        LOG.fine(() -> "admin console login: " + user + " from " + channel.remoteAddress());
    }

    void closed(AdminHandler handler) {
        if (sessions.remove(handler)) {
            context.clients().disconnected();
        }
    }

    /** Admin sessions open now; they count as clients but do not hold a shutdown back. */
    public int sessionCount() {
        return sessions.size();
    }

    List<ConnectionViews.AdminClient> adminClients() {
        List<ConnectionViews.AdminClient> out = new ArrayList<>();
        for (AdminHandler h : sessions) {
            Channel ch = h.channel();
            if (ch != null) {
                out.add(new ConnectionViews.AdminClient(h.user(), "pgmux", ch, h.connectedAtMillis(),
                        h.lastRequestMillis()));
            }
        }
        return out;
    }

    /** A BackendKeyData key for an admin session: never registered, so a cancel request for it is ignored. */
    long newCancelKey() {
        return ThreadLocalRandom.current().nextLong() & 0x7fffffff_ffffffffL;
    }

    ProxyControl control() {
        return control;
    }

    StatsViews stats() {
        return stats;
    }

    public InetSocketAddress address() {
        return listener == null ? null : (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener and every admin session; at the very end of a shutdown. */
    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        blocking.shutdownNow();
    }
}
