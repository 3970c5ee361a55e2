package io.pgmux.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.Wire;

import java.util.ArrayDeque;
import java.util.List;
import java.util.logging.Logger;

/**
 * One admin console connection after login: sends the welcome, then answers the simple query
 * protocol. Statements run one at a time in arrival order; each Query ends with one ReadyForQuery.
 * Extended-protocol messages get a 0A000 error and are skipped up to the next Sync, as PostgreSQL
 * skips after an error, so a driver gets a clean answer instead of a hang.
 */
final class AdminHandler extends ChannelInboundHandlerAdapter implements MessageFramer.Listener {
    private static final Logger LOG = Logger.getLogger(AdminHandler.class.getName());
    private static final int MAX_MESSAGE = 1 << 20;
    /** Stop reading a client that queues more than this many requests. */
    private static final int MAX_QUEUED = 64;
    private static final Object SYNC = new Object();

    private final AdminConsole console;
    private final CommandRunner runner;
    private final String user;
    private final long connectedAtMillis = System.currentTimeMillis();
    /** When the session last sent something (SHOW CLIENTS' request_time), read from other sessions' loops. */
    private volatile long lastRequestMillis;
    private final MessageFramer framer = new MessageFramer(MAX_MESSAGE);
    /** Query texts, PgErrors (extended protocol refused) and SYNC markers, in arrival order. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private volatile ChannelHandlerContext ctx;
    private boolean busy;
    private boolean skipUntilSync;
    private boolean closed;

    AdminHandler(AdminConsole console, CommandRunner runner, String user) {
        this.console = console;
        this.runner = runner;
        this.user = user;
    }

    String user() {
        return user;
    }

    long connectedAtMillis() {
        return connectedAtMillis;
    }

    /** When the session last sent something, 0 before its first request. */
    long lastRequestMillis() {
        return lastRequestMillis;
    }

    io.netty.channel.Channel channel() {
        ChannelHandlerContext c = ctx;
        return c == null ? null : c.channel();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long key = console.newCancelKey();
        ctx.writeAndFlush(BackendMessages.welcome(ctx.alloc(), AdminWelcome.parameters(console.control().pools()),
                (int) (key >>> 32), (int) key));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        lastRequestMillis = System.currentTimeMillis();
        try {
            framer.feed(ctx.alloc(), in, this);
        } catch (PgException e) {
            fatal(e.error());
        } finally {
            in.release();
        }
        if (queue.size() > MAX_QUEUED) {
            ctx.channel().config().setAutoRead(false);
        }
        next();
    }

    @Override
    public boolean needsWhole(byte type) {
        return true;
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        if (closed) {
            return true;
        }
        switch (type) {
            case MessageTypes.QUERY -> {
                if (!skipUntilSync) {
                    queue.add(Wire.readCString(buf, offset + MessageTypes.HEADER_LENGTH, offset + length));
                }
            }
            case MessageTypes.TERMINATE -> {
                closed = true;
                ctx.close();
            }
            case MessageTypes.SYNC -> {
                skipUntilSync = false;
                queue.add(SYNC);
            }
            case MessageTypes.PARSE, MessageTypes.BIND, MessageTypes.DESCRIBE, MessageTypes.EXECUTE,
                    MessageTypes.CLOSE, MessageTypes.FLUSH, MessageTypes.FUNCTION_CALL -> {
                if (!skipUntilSync) {
                    skipUntilSync = true;
                    queue.add(PgError.error(SqlState.FEATURE_NOT_SUPPORTED,
                            "the admin console supports only the simple query protocol")
                            .withHint("use psql, or set preferQueryMode=simple (pgjdbc) or the equivalent"));
                }
            }
            default -> fatal(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    "invalid frontend message type " + (type & 0xff)));
        }
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        throw new IllegalStateException("admin messages are always whole");
    }

    /** Starts the next queued request unless one is running. */
    private void next() {
        while (!busy && !closed && !queue.isEmpty()) {
            Object item = queue.poll();
            if (item instanceof String query) {
                runQuery(query);
            } else if (item instanceof PgError error) {
                ByteBuf out = ctx.alloc().buffer();
                new AdminReply.Failed(error).writeTo(out, ctx.alloc());
                ctx.writeAndFlush(out);
            } else {
                ctx.writeAndFlush(BackendMessages.readyForQuery(ctx.alloc(), ReadyForQuery.IDLE));
            }
        }
        if (!busy && queue.size() <= MAX_QUEUED && !closed) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void runQuery(String query) {
        List<String> statements = CommandParser.split(query);
        ByteBuf out = ctx.alloc().buffer();
        if (statements.isEmpty()) {
            out.writeByte(MessageTypes.EMPTY_QUERY_RESPONSE).writeInt(4); // EmptyQueryResponse, as PostgreSQL answers ""
            finish(out, false);
            return;
        }
        busy = true;
        runStatement(statements, 0, out);
    }

    /** Runs statements[i..] in order; an error ends the Query, as in PostgreSQL. */
    private void runStatement(List<String> statements, int i, ByteBuf out) {
        AdminCommand cmd;
        try {
            cmd = CommandParser.parse(statements.get(i));
        } catch (PgException e) {
            new AdminReply.Failed(e.error()).writeTo(out, ctx.alloc());
            finish(out, false);
            return;
        }
        String who = user + "@" + ctx.channel().remoteAddress();
        runner.run(cmd, ctx.executor(), who).addListener(f -> {
            @SuppressWarnings("unchecked")
            AdminReply reply = ((io.netty.util.concurrent.Future<AdminReply>) f).getNow();
            if (closed) {
                out.release();
                return;
            }
            reply.writeTo(out, ctx.alloc());
            boolean failed = reply instanceof AdminReply.Failed;
            if (!failed && cmd.verb() == AdminCommand.Verb.SHUTDOWN) {
                finish(out, true);
            } else if (failed || i + 1 == statements.size()) {
                finish(out, false);
            } else {
                runStatement(statements, i + 1, out);
            }
        });
    }

    private void finish(ByteBuf out, boolean shutdown) {
        out.writeByte(MessageTypes.READY_FOR_QUERY).writeInt(5).writeByte(ReadyForQuery.IDLE);
        var written = ctx.writeAndFlush(out);
        if (shutdown) {
            written.addListener(f -> console.control().shutdown());
        }
        busy = false;
        next();
    }

    private void fatal(PgError error) {
        if (closed) {
            return;
        }
        closed = true;
        ctx.writeAndFlush(BackendMessages.errorResponse(ctx.alloc(), error)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        framer.release();
        queue.clear();
        console.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.fine(() -> "admin client " + ctx.channel().remoteAddress() + ": " + cause);
        ctx.close();
    }
}
