package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;
import io.netty.handler.ssl.SslHandler;
import io.pgmux.auth.Md5Auth;
import io.pgmux.auth.PassthroughCredential;
import io.pgmux.auth.ScramClientSession;
import io.pgmux.auth.ScramException;
import io.pgmux.auth.ScramServerSession;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.ParameterStatus;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.StartupCodes;
import io.pgmux.config.TlsConfig;
import io.pgmux.tls.TlsContexts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Logs a new server connection in: with {@code tls.server_mode} on, an SSLRequest and the TLS
 * handshake first; then StartupMessage, whatever authentication the server asks for
 * (SCRAM-SHA-256, md5, cleartext or none), ParameterStatus and BackendKeyData, until the first
 * ReadyForQuery. Then it replaces itself with the {@link BackendHandler}.
 */
final class ServerLoginHandler extends ChannelInboundHandlerAdapter implements MessageFramer.Listener {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the login is: TLS negotiation (when asked for), then the PostgreSQL login proper. */
    private enum State { SSL_ANSWER, HANDSHAKE, LOGIN }

    private final ServerConnection conn;
    private final Promise<ServerConnection> promise;
    private final TlsContexts tls;
    private ChannelHandlerContext ctx;
    private ScramClientSession scram;
    private State state = State.LOGIN;

    ServerLoginHandler(ServerConnection conn, Promise<ServerConnection> promise, TlsContexts tls) {
        this.conn = conn;
        this.promise = promise;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (conn.target().tlsMode(tls.config()) != TlsConfig.ServerMode.DISABLE) {
            state = State.SSL_ANSWER;
            ctx.writeAndFlush(ctx.alloc().buffer(8).writeInt(8).writeInt(StartupCodes.SSL_REQUEST));
        } else {
            sendStartup();
        }
        ctx.fireChannelActive();
    }

    /** The server's one-byte answer to the SSLRequest. */
    private void onSslAnswer(ByteBuf in) {
        byte answer = in.readByte();
        if (in.isReadable()) {
            // nothing may come before the handshake: bytes here were not protected by TLS (CVE-2021-23222)
            failTls("received unencrypted data after SSL response");
            return;
        }
        TlsConfig.ServerMode mode = conn.target().tlsMode(tls.config());
        if (answer == 'S') {
            state = State.HANDSHAKE;
            SslHandler handler;
            try {
                handler = tls.serverHandler(mode, ctx.alloc(), conn.target().host(), conn.target().port());
            } catch (io.pgmux.tls.TlsSetupException e) {
                failTls(e.getMessage());
                return;
            }
            ctx.pipeline().addFirst("tls", handler);
            handler.handshakeFuture().addListener(f -> {
                if (f.isSuccess()) {
                    state = State.LOGIN;
                    sendStartup();
                } else {
                    failTls(ServerLoginException.sslReason(f.cause()));
                }
            });
        } else if (answer == 'N' && !mode.required()) {
            state = State.LOGIN; // prefer: the server has no TLS, go on in plain text
            sendStartup();
        } else if (answer == 'N') {
            failTls("server does not support SSL, but SSL was required (" + (conn.target().tlsMode() != null
                    ? "sslmode " : "tls.server_mode ") + mode.configName() + ")");
        } else {
            failTls("received invalid response to SSL negotiation: " + (char) answer);
        }
    }

    private void failTls(String reason) {
        if (promise.tryFailure(ServerLoginException.tls(conn.target(), reason))) {
            ctx.close();
        }
    }

    private void sendStartup() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", conn.target().user());
        params.put("database", conn.target().database());
        if (conn.target().applicationName() != null) {
            params.put("application_name", conn.target().applicationName());
        }
        ctx.writeAndFlush(FrontendMessages.startupMessage(ctx.alloc(), params));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (state == State.SSL_ANSWER) {
                onSslAnswer(in);
                return;
            }
            if (state == State.HANDSHAKE) {
                return; // SslHandler holds everything until the handshake is done: nothing to see here
            }
            conn.framer().feed(ctx.alloc(), in, this);
        } catch (ProtocolException e) {
            fail(e.error());
        } finally {
            in.release();
        }
    }

    @Override
    public boolean needsWhole(byte type) {
        return true;
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        if (promise.isDone()) {
            return true; // failed already; the channel is closing
        }
        switch (type) {
            case MessageTypes.AUTHENTICATION -> onAuthentication(buf, offset, length);
            case MessageTypes.PARAMETER_STATUS -> {
                ParameterStatus p = ParameterStatus.read(buf, offset, length);
                conn.reportedParameters().put(p.name(), p.value());
            }
            case MessageTypes.BACKEND_KEY_DATA -> conn.setBackendKey(buf.getInt(offset + 5), buf.getInt(offset + 9));
            case MessageTypes.ERROR_RESPONSE -> fail(ErrorFields.parse(buf, offset, length));
            case MessageTypes.READY_FOR_QUERY -> loggedIn();
            case MessageTypes.NOTICE_RESPONSE, MessageTypes.NEGOTIATE_PROTOCOL_VERSION -> {
                // nothing to do: pgmux asks for protocol 3.0 and no options
            }
            default -> fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "unexpected message " + MessageTypes.describe(type, false) + " during server login"));
        }
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        throw new IllegalStateException("login messages are always whole");
    }

    private void onAuthentication(ByteBuf buf, int offset, int length) {
        int code = buf.getInt(offset + 5);
        int dataStart = offset + 9;
        int dataLength = length - 9;
        switch (code) {
            case BackendMessages.AUTH_OK -> { }
            case BackendMessages.AUTH_CLEARTEXT -> {
                if (needPassword()) {
                    ctx.writeAndFlush(FrontendMessages.password(ctx.alloc(), conn.target().password()));
                }
            }
            case BackendMessages.AUTH_MD5 -> {
                String known = passthroughMd5();
                if (known != null || needPassword()) {
                    byte[] salt = new byte[4];
                    buf.getBytes(dataStart, salt);
                    String stored = known != null ? known : Md5Auth.hash(conn.target().password(), conn.target().user());
                    String response = new String(Md5Auth.response(stored, salt), StandardCharsets.US_ASCII);
                    ctx.writeAndFlush(FrontendMessages.password(ctx.alloc(), response));
                }
            }
            case BackendMessages.AUTH_SASL -> startScram(buf, dataStart, offset + length);
            case BackendMessages.AUTH_SASL_CONTINUE, BackendMessages.AUTH_SASL_FINAL ->
                    continueScram(code, bytes(buf, dataStart, dataLength));
            default -> fail(PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED,
                    "server asked for an authentication method pgmux does not support (code " + code + ")"));
        }
    }

    /** The MD5 hash a client's md5 login proved, when pgmux has no password for this server. */
    private String passthroughMd5() {
        PassthroughCredential passthrough = conn.target().passthrough();
        return conn.target().password() == null && passthrough != null ? passthrough.md5Hash() : null;
    }

    private boolean needPassword() {
        if (conn.target().password() != null) {
            return true;
        }
        fail(PgError.fatal(SqlState.INVALID_PASSWORD, "server asked for a password for user \""
                + conn.target().user() + "\" but pgmux has none")
                .withHint(conn.target().passthrough() != null
                        ? "pgmux logs in as this user with what a client's login gave it (SCRAM for a SCRAM"
                                + " verifier, md5 for an MD5 hash); give a plain password in users: or the backend URL"
                        : "give the password in the backend URL or as a plain password in users:"));
        return false;
    }

    private void startScram(ByteBuf buf, int from, int end) {
        List<String> mechanisms = new ArrayList<>();
        int pos = from;
        while (pos < end && buf.getByte(pos) != 0) {
            int nul = buf.indexOf(pos, end, (byte) 0);
            if (nul < 0) {
                break;
            }
            mechanisms.add(buf.toString(pos, nul - pos, StandardCharsets.UTF_8));
            pos = nul + 1;
        }
        if (!mechanisms.contains(ScramServerSession.MECHANISM)) {
            fail(PgError.fatal(SqlState.FEATURE_NOT_SUPPORTED, "server offers no SASL mechanism pgmux supports: " + mechanisms));
            return;
        }
        PassthroughCredential passthrough = conn.target().password() == null ? conn.target().passthrough() : null;
        if (passthrough != null && passthrough.hasScram()) {
            scram = passthrough.scramSession(RANDOM); // the ClientKey a client's SCRAM proof gave away
        } else if (!needPassword()) {
            return;
        } else {
            scram = new ScramClientSession(conn.target().password(), RANDOM);
        }
        ctx.writeAndFlush(FrontendMessages.saslInitialResponse(ctx.alloc(), ScramServerSession.MECHANISM,
                scram.clientFirstMessage()));
    }

    private void continueScram(int code, byte[] data) {
        if (scram == null) {
            fail(PgError.fatal(SqlState.PROTOCOL_VIOLATION, "unexpected SASL message from server"));
            return;
        }
        try {
            if (code == BackendMessages.AUTH_SASL_CONTINUE) {
                ctx.writeAndFlush(FrontendMessages.saslResponse(ctx.alloc(), scram.handleServerFirst(data)));
            } else {
                scram.verifyServerFinal(data);
            }
        } catch (ScramException e) {
            fail(PgError.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "SCRAM authentication with server failed: " + e.getMessage()));
        }
    }

    private static byte[] bytes(ByteBuf buf, int from, int length) {
        byte[] b = new byte[Math.max(0, length)];
        buf.getBytes(from, b);
        return b;
    }

    private void loggedIn() {
        ctx.pipeline().replace(this, "backend", new BackendHandler(conn));
        promise.trySuccess(conn);
    }

    private void fail(PgError error) {
        if (promise.tryFailure(new ServerLoginException(error))) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conn.framer().release();
        promise.tryFailure(new ServerLoginException(PgError.fatal(SqlState.CONNECTION_FAILURE,
                "server closed the connection during login")));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (promise.tryFailure(ServerLoginException.from(cause, conn.target()))) {
            ctx.close();
        }
    }
}
