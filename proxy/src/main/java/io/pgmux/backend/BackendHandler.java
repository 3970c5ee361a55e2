package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.ParameterStatus;
import io.pgmux.protocol.ProtocolException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server channel's handler after login. While a client session holds the connection, bytes go
 * straight to it (same event loop, no hop); while the connection is idle in its pool, this handler
 * reads what PostgreSQL may send unasked (ParameterStatus, notices, a FATAL before it closes).
 */
final class BackendHandler extends ChannelInboundHandlerAdapter implements MessageFramer.Listener {
    private static final Logger LOG = Logger.getLogger(BackendHandler.class.getName());

    private final ServerConnection conn;

    BackendHandler(ServerConnection conn) {
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        ServerListener listener = conn.listener();
        if (listener != null) {
            listener.onServerData(conn, in);
            return;
        }
        try {
            conn.framer().feed(ctx.alloc(), in, this);
        } catch (ProtocolException e) {
            LOG.warning(() -> conn + ": " + e.getMessage() + "; closing");
            conn.close();
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ServerListener listener = conn.listener();
        if (listener != null) {
            listener.onServerReadComplete(conn);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ServerListener listener = conn.listener();
        if (listener != null) {
            listener.onServerWritabilityChanged(conn, ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        conn.transition(ServerConnection.State.CLOSED);
        conn.framer().release();
        ServerListener listener = conn.listener();
        if (listener != null) {
            conn.attach(null);
            listener.onServerClosed(conn);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, conn + ": " + cause, cause);
        conn.close();
    }

    // --- messages arriving while the connection is idle in its pool ---

    @Override
    public boolean needsWhole(byte type) {
        return true;
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        switch (type) {
            case MessageTypes.PARAMETER_STATUS -> {
                ParameterStatus p = ParameterStatus.read(buf, offset, length);
                conn.reportedParameters().put(p.name(), p.value());
                conn.matchedParameters(0);
            }
            case MessageTypes.NOTICE_RESPONSE ->
                    LOG.fine(() -> conn + " notice while idle: " + ErrorFields.parse(buf, offset, length));
            case MessageTypes.ERROR_RESPONSE -> {
                conn.markUnusable();
                LOG.info(() -> conn + " sent while idle: " + ErrorFields.parse(buf, offset, length));
            }
            case MessageTypes.NOTIFICATION_RESPONSE -> {
                // nobody listens on an idle connection in transaction mode; drop it
            }
            default -> {
                LOG.warning(() -> conn + ": unexpected " + MessageTypes.describe(type, false) + " while idle; closing");
                conn.close();
            }
        }
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        throw new IllegalStateException("idle messages are always whole");
    }
}
