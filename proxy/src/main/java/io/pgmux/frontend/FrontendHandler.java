package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.logging.Logger;

/** The client channel's handler after login: hands every event to the {@link ClientSession}. */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(FrontendHandler.class.getName());

    private final ClientSession session;

    FrontendHandler(ClientSession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.onClientRead((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.onClientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.onClientWritabilityChanged(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onClientClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a reset by the peer or a write to a closed socket: routine, not worth a stack trace
        LOG.log(java.util.logging.Level.FINE, session + ": " + cause, cause);
        ctx.close();
    }
}
