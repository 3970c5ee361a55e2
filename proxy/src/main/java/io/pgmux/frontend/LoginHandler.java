package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.backend.ServerConnection;
import io.pgmux.config.UserConfig;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolClient;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.StartupPacket;
import io.pgmux.protocol.StartupPacketDecoder;
import io.pgmux.config.TlsConfig;
import io.pgmux.tls.TlsContexts;
import io.netty.handler.ssl.SslHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Takes a client from its first byte to ReadyForQuery: answers SSL and GSS requests, forwards
 * cancel requests, checks the startup packet, authenticates, finds the pool, and sends the welcome
 * (ParameterStatus, BackendKeyData, ReadyForQuery). Then it hands the channel to a
 * {@link FrontendHandler}. States, in order: {@link State}.
 */
public final class LoginHandler extends ChannelInboundHandlerAdapter implements MessageFramer.Listener {
    private static final Logger LOG = Logger.getLogger(LoginHandler.class.getName());
    /** PostgreSQL caps SASL and password messages well below this. */
    private static final int MAX_AUTH_MESSAGE = 64 * 1024;

    /**
     * STARTUP: before the startup packet. AUTHENTICATING: the password exchange. REFUSING: the
     * exchange failed and the refusal waits limits.auth_failure_delay, the client unread.
     * WELCOMING: authenticated, the session being set up. DONE: handed over or closed.
     */
    private enum State { STARTUP, AUTHENTICATING, REFUSING, WELCOMING, DONE }

    private final SessionContext context;
    /** True on the admin console's listener: only admin users, database pgmux, no pool. */
    private final boolean adminConsole;
    private final MessageFramer framer = new MessageFramer(MAX_AUTH_MESSAGE);
    private State state = State.STARTUP;
    /** TLS is up under this connection (the client's SSLRequest was answered {@code S}). */
    private boolean tls;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> authTimer;
    private boolean counted;
    /** Counted in {@link ClientRegistry#loginStarted()} until authentication succeeds or the channel closes. */
    private boolean loggingIn;
    /** Counted in {@link ClientRegistry#admit} until the session takes it over or the channel closes. */
    private boolean admitted;
    /** Refused by max_unauthenticated_connections: closes on the first bytes read. */
    private boolean refused;
    private String userName;
    private String database;
    private UserConfig user;
    private SessionRouting.Intent intent = SessionRouting.Intent.ANY;
    private Map<String, String> startupParameters;
    private ClientAuthenticator authenticator;
    /** What auth_query found for a user not in users:, or null. */
    private AuthQuery.Found found;
    /** Bytes a client sent behind its last password message before the welcome went out. */
    private ByteBuf early;

    public LoginHandler(SessionContext context) {
        this(context, false);
    }

    public LoginHandler(SessionContext context, boolean adminConsole) {
        this.context = context;
        this.adminConsole = adminConsole;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        counted = true;
        context.clients().connected();
        loggingIn = true;
        int max = context.config().limits().maxUnauthenticatedConnections();
        if (context.clients().loginStarted() > max && max > 0) {
            refuseEarly();
            ctx.fireChannelActive();
            return;
        }
        long timeout = context.config().limits().authTimeout().toMillis();
        if (timeout > 0) {
            authTimer = ctx.executor().schedule(() -> fail(PgError.fatal(SqlState.QUERY_CANCELED,
                    "canceling authentication due to timeout")), timeout, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    /**
     * Too many connections are logging in: the error goes out at once, and the connection closes when
     * the client's first bytes arrive (so they are read and the close does not reset the connection
     * and lose the error) or after a second.
     */
    private void refuseEarly() {
        state = State.DONE;
        refused = true;
        counted = false;
        context.clients().disconnected();
        ctx.writeAndFlush(BackendMessages.errorResponse(ctx.alloc(), PgError.fatal(SqlState.TOO_MANY_CONNECTIONS,
                "too many connections still authenticating")));
        authTimer = ctx.executor().schedule(() -> {
            ctx.close();
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        framer.release();
        if (early != null) {
            early.release();
            early = null;
        }
        if (counted && state != State.DONE) {
            context.clients().disconnected();
        }
        loginEnded();
        if (admitted) {
            admitted = false;
            context.clients().leave(userName, database);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            io.netty.util.ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof StartupPacket packet) {
            onStartupPacket(packet);
        } else if (msg instanceof ByteBuf in) {
            onTypedBytes(in);
        }
    }

    private void onStartupPacket(StartupPacket packet) {
        if (state != State.STARTUP) {
            return;
        }
        // Java 17: no pattern matching in switch yet
        if (packet instanceof StartupPacket.SslRequest) {
            onSslRequest();
        } else if (packet instanceof StartupPacket.GssEncRequest) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
        } else if (packet instanceof StartupPacket.CancelRequest c) {
            context.cancels().cancel(c.pid(), c.secret());
            ctx.close();
        } else if (packet instanceof StartupPacket.Invalid bad && bad.legacyFormat()) {
            // protocol 2.0 error: 'E' and a NUL-terminated text, no fields
            state = State.DONE;
            ByteBuf msg = ctx.alloc().buffer();
            msg.writeByte('E').writeCharSequence("FATAL:  " + bad.error().message() + "\n", java.nio.charset.StandardCharsets.UTF_8);
            msg.writeByte(0);
            if (counted) {
                counted = false;
                context.clients().disconnected();
            }
            ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
        } else if (packet instanceof StartupPacket.Invalid bad) {
            fail(bad.error());
        } else if (packet instanceof StartupPacket.StartupMessage m) {
            try {
                onStartupMessage(m);
            } catch (PgException e) {
                fail(e.error());
            }
        }
    }

    /**
     * Answers {@code S} and puts TLS under everything when client TLS is on, else {@code N}. The
     * StartupMessage that follows then comes decrypted through the same decoder.
     */
    private void onSslRequest() {
        if (tls) {
            // a second SSLRequest inside TLS: PostgreSQL reads it as a startup packet of a bogus version
            fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0"));
            return;
        }
        TlsContexts contexts = context.tls();
        SslHandler handler = contexts.clientHandler(ctx.alloc());
        if (handler == null) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'N'}));
            return;
        }
        if (ctx.pipeline().get(StartupPacketDecoder.class).hasBufferedBytes()) {
            fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "received unencrypted data after SSL request"));
            return;
        }
        // 'S' goes out in plain text: written before the SslHandler exists, it never passes through it
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{'S'}));
        ctx.pipeline().addFirst("tls", handler);
        tls = true;
    }

    private void onStartupMessage(StartupPacket.StartupMessage m) {
        // typed messages follow; the decoder hands any bytes it already holds to this handler
        ctx.pipeline().remove(StartupPacketDecoder.class);
        // TLS guards the network: a client on this host's Unix-domain socket is exempt, as in
        // PgBouncer (libpq never asks for TLS there)
        TlsConfig.ClientMode tlsMode = overUnixSocket() ? TlsConfig.ClientMode.DISABLE
                : context.tls().config().clientMode();
        if (!tls && tlsMode.required()) {
            // PgBouncer's words; 28000 as PostgreSQL's pg_hba rejection of a non-SSL connection
            LOG.info(() -> "client " + ctx.channel().remoteAddress() + " refused: SSL required (tls.client_mode "
                    + tlsMode.configName() + ")");
            throw new PgException(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "SSL required")
                    .withHint("connect with sslmode=require (or stronger)"));
        }
        if (tlsMode.requiresCertificate() && !TlsContexts.hasPeerCertificate(ctx.channel())) {
            // PostgreSQL's words for a pg_hba line with clientcert; the handshake itself refuses a
            // certificate that does not chain to client_ca_file
            LOG.info(() -> "client " + ctx.channel().remoteAddress() + " refused: no client certificate (tls.client_mode "
                    + tlsMode.configName() + ")");
            throw new PgException(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "connection requires a valid client certificate")
                    .withHint("connect with sslcert and sslkey set to a certificate signed by pgmux's tls.client_ca_file"));
        }
        if (m.minorVersion() > 0 || !m.protocolOptions().isEmpty()) {
            ctx.write(BackendMessages.negotiateProtocolVersion(ctx.alloc(), 0, m.protocolOptions()));
        }
        Map<String, String> params = new LinkedHashMap<>(m.parameters());
        userName = params.remove("user");
        if (userName == null || userName.isEmpty()) {
            throw new PgException(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet"));
        }
        database = params.remove("database");
        if (database == null || database.isEmpty()) {
            database = userName;
        }
        if (params.containsKey("replication")) {
            throw new PgException(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "unsupported startup parameter: replication"));
        }
        String options = params.remove("options");
        if (options != null) {
            params.putAll(StartupOptions.parse(options));
        }
        params.remove("client_encoding_fallback");
        intent = ReadIntent.of(params); // removes target_session_attrs, which PostgreSQL would refuse
        startupParameters = params;
        if (context.shuttingDown()) {
            throw new PgException(PgError.fatal(SqlState.CANNOT_CONNECT_NOW, "the database system is shutting down"));
        }
        if (context.clients().connectionCount() > context.config().limits().maxClientConnections()) {
            throw new PgException(PgError.fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already"));
        }
        checkHba();
        user = context.config().user(userName).orElse(null);
        if (adminConsole) {
            checkAdmin();
        }
        state = State.AUTHENTICATING;
        AuthQuery authQuery = context.authQuery();
        if (user == null && !adminConsole && authQuery != null && authQuery.enabled()) {
            ctx.channel().config().setAutoRead(false); // the client waits for the challenge
            authQuery.lookup(ctx.channel().eventLoop(), database, userName).addListener(
                    (io.netty.util.concurrent.Future<AuthQuery.Found> f) -> lookedUp(f));
            return;
        }
        startAuthentication();
    }

    /** auth_query answered: authenticate against what it found (nothing found fails like a wrong password). */
    private void lookedUp(io.netty.util.concurrent.Future<AuthQuery.Found> f) {
        if (!ctx.channel().isActive() || state != State.AUTHENTICATING) {
            return;
        }
        ctx.channel().config().setAutoRead(true);
        if (!f.isSuccess()) {
            fail(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "authentication lookup failed")
                    .withHint("see pgmux's log (auth_query)"));
            return;
        }
        found = f.getNow();
        user = found.user(userName);
        startAuthentication();
    }

    private void startAuthentication() {
        authenticator = new ClientAuthenticator(userName, user, tls ? TlsContexts.peerCommonName(ctx.channel()) : null,
                ctx.alloc());
        handle(authenticator.start());
        if (state == State.AUTHENTICATING && early != null) {
            // bytes that came with the startup packet (the decoder handed them over when it was
            // removed, above): the client's answer to the request just sent
            ByteBuf first = early;
            early = null;
            onTypedBytes(first);
        }
    }

    private void onTypedBytes(ByteBuf in) {
        if (state == State.REFUSING) {
            in.release(); // read before the refusal began: nothing the client says changes it
            return;
        }
        if (state == State.STARTUP || state == State.WELCOMING) {
            keepEarly(in); // read once the authentication request is out, or the session's
            return;
        }
        try {
            int stop = framer.feed(ctx.alloc(), in, this);
            ByteBuf rest = stop < in.writerIndex() ? in.retainedSlice(stop, in.writerIndex() - stop) : null;
            if (state != State.AUTHENTICATING) {
                // login is over: a message the framer began to assemble is the session's first
                rest = concat(framer.takePartial(), rest);
            }
            if (rest == null) {
                return;
            }
            if (state == State.DONE) {
                ctx.fireChannelRead(rest);
            } else {
                keepEarly(rest); // the client pipelined its first query behind the login
            }
        } catch (PgException e) {
            fail(e.error());
        } finally {
            in.release();
        }
    }

    /** Keeps bytes (taking ownership) behind those already kept, in order. */
    private void keepEarly(ByteBuf bytes) {
        early = concat(early, bytes);
    }

    private ByteBuf concat(ByteBuf first, ByteBuf second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return ctx.alloc().compositeBuffer(2).addComponents(true, first, second);
    }

    @Override
    public boolean needsWhole(byte type) {
        return true;
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        if (state != State.AUTHENTICATING) {
            return false; // not a login message: it belongs to the session
        }
        if (type != MessageTypes.PASSWORD) {
            fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "expected password response, got message type " + type));
            return true;
        }
        if (authenticator == null) {
            fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "password message before authentication request"));
            return true;
        }
        handle(authenticator.onPasswordMessage(buf, offset, length));
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        throw new IllegalStateException("login messages are always whole");
    }

    private void handle(AuthStep step) {
        if (step instanceof AuthStep.Challenge c) {
            ctx.writeAndFlush(c.message());
        } else if (step instanceof AuthStep.Failure f) {
            LOG.info(() -> "authentication failed for user \"" + userName + "\" from "
                    + ctx.channel().remoteAddress() + ": " + f.error().message());
            if (found != null && found.fromCache()) {
                context.authQuery().invalidate(database, userName); // the password may have changed: look it up again next time
            }
            refuse(f.error());
        } else if (step instanceof AuthStep.Success s) {
            if (s.finalMessage() != null) {
                ctx.write(s.finalMessage());
            }
            ctx.writeAndFlush(BackendMessages.authentication(ctx.alloc(), BackendMessages.AUTH_OK));
            if (!adminConsole) {
                authenticator.recordPassthrough(context.passthrough(database, userName));
            }
            authenticated();
        }
    }

    /**
     * A failed authentication: the error at once, or after limits.auth_failure_delay (as
     * PostgreSQL's auth_delay), the connection still counted as logging in meanwhile, so that
     * max_unauthenticated_connections over the delay bounds how fast passwords can be guessed.
     */
    private void refuse(PgError error) {
        long delay = context.config().limits().authFailureDelay().toMillis();
        if (delay <= 0) {
            fail(error);
            return;
        }
        state = State.REFUSING;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> fail(error), delay, TimeUnit.MILLISECONDS);
    }

    /** True when the client came through the Unix-domain socket (unix_socket_dir), not TCP. */
    private boolean overUnixSocket() {
        java.net.SocketAddress local = ctx.channel().localAddress();
        return local instanceof io.netty.channel.unix.DomainSocketAddress || local instanceof java.net.UnixDomainSocketAddress;
    }

    /** The {@code hba:} allow list, before any authentication, with PostgreSQL's wording for pg_hba.conf. */
    private void checkHba() {
        java.net.InetAddress address = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress isa
                ? isa.getAddress() : null;
        if (!io.pgmux.config.HbaRule.allows(context.config().hba(), userName, database, address)) {
            String host = overUnixSocket() ? "[local]" // PostgreSQL's word for a Unix-domain socket
                    : address == null ? String.valueOf(ctx.channel().remoteAddress()) : address.getHostAddress();
            LOG.info(() -> "login refused by hba for user \"" + userName + "\", database \"" + database
                    + "\" from " + host);
            throw new PgException(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no pgmux.yaml hba entry for host \"" + host + "\", user \"" + userName + "\", database \""
                            + database + "\""));
        }
    }

    /** The admin console takes only the users in admin.users, and only database pgmux (or pgbouncer, for tools). */
    private void checkAdmin() {
        if (!AdminLogin.DATABASES.contains(database)) {
            throw new PgException(PgError.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database
                    + "\" does not exist").withHint("the admin console's database is \"pgmux\""));
        }
        if (user == null || !context.config().admin().users().contains(userName)) {
            LOG.info(() -> "admin console login refused for user \"" + userName + "\" from " + ctx.channel().remoteAddress());
            throw new PgException(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "user \"" + userName + "\" is not allowed to use the admin console")
                    .withHint("list the user in admin.users"));
        }
    }

    private void loginEnded() {
        if (loggingIn) {
            loggingIn = false;
            context.clients().loginEnded();
        }
    }

    private void authenticated() {
        loginEnded();
        if (adminConsole) {
            if (authTimer != null) {
                authTimer.cancel(false);
            }
            state = State.DONE;
            framer.release();
            if (early != null) {
                early.release(); // the admin console reads queries only after its welcome
                early = null;
            }
            ctx.pipeline().remove(this);
            context.startAdminSession(ctx.channel(), userName);
            return;
        }
        Pool pool;
        try {
            pool = context.pool(database, user);
        } catch (PgException e) {
            fail(e.error());
            return;
        }
        int databaseMax = context.config().database(database).map(d -> d.maxClientConnections()).orElse(0);
        String overLimit = context.clients().admit(userName, user == null ? 0 : user.maxClientConnections(), database,
                databaseMax);
        if (overLimit != null) {
            fail(PgError.fatal(SqlState.TOO_MANY_CONNECTIONS, overLimit));
            return;
        }
        admitted = true;
        state = State.WELCOMING;
        if (pool.welcomeParameters() != null) {
            welcome(pool);
            return;
        }
        // the first client of a pool waits for one server login to learn the server's parameters
        ctx.channel().config().setAutoRead(false);
        pool.acquire(new PoolClient() {
            @Override
            public EventLoop eventLoop() {
                return ctx.channel().eventLoop();
            }

            @Override
            public void onServerAcquired(ServerConnection server) {
                pool.release(server);
                if (ctx.channel().isActive()) {
                    ctx.channel().config().setAutoRead(true);
                    welcome(pool);
                }
            }

            @Override
            public void onAcquireFailed(PgError error) {
                fail(error);
            }
        });
    }

    private void welcome(Pool pool) {
        if (authTimer != null) {
            authTimer.cancel(false);
        }
        ClientParameters params = ClientParameters.of(startupParameters, pool.welcomeParameters(),
                pool.settings().trackedParameters(), pool.knownParameterValues());
        long key = context.cancels().newKey();
        ClientSession session = new ClientSession(ctx.channel(), context, pool, params, key, userName, database,
                user, intent);
        admitted = false; // the session leaves when it closes
        ctx.writeAndFlush(BackendMessages.welcome(ctx.alloc(), params.welcome(pool.welcomeParameters()),
                CancelRegistry.pid(key), CancelRegistry.secret(key)));
        state = State.DONE;
        framer.release();
        ctx.pipeline().replace(this, "frontend", new FrontendHandler(session));
        session.start();
        if (early != null) {
            ByteBuf rest = early;
            early = null;
            ctx.fireChannelRead(rest);
        }
    }

    private void fail(PgError error) {
        if (!ctx.channel().isActive() || state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (counted) {
            counted = false;
            context.clients().disconnected();
        }
        ctx.writeAndFlush(BackendMessages.errorResponse(ctx.alloc(), error)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.fine(() -> "client " + ctx.channel().remoteAddress() + " during login: " + cause);
        ctx.close();
    }
}
