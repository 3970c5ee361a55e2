package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ResponseLedger;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-prepares and retries, once, a named statement whose cached plan went stale after DDL
 * ({@code 0A000 cached plan must not change result type}) — only outside an explicit transaction,
 * where nothing of the failed batch has run. While a Bind of a cached statement starts a batch on
 * an idle server, the bytes sent for that batch (up to its Sync) are kept as retained slices; if
 * the Bind fails that way, the error and the batch's ReadyForQuery are dropped and the server gets
 * Close + Parse + the same batch again, so the client sees only the retry's answers. Anything
 * unusual in the batch (injected requests, locally answered ones) simply gives up the window.
 */
final class PlanRetry {
    private static final int MAX_BYTES = 256 * 1024;
    private static final String STALE_PLAN = "cached plan must not change result type";

    private final List<ByteBuf> sent = new ArrayList<>();
    private PreparedStatement statement;
    private ServerConnection server;
    private int bytes;
    /** Collecting: the batch's Sync has not gone out yet. */
    private boolean collecting;
    /** The batch is complete and its Bind not answered yet: a retry is possible. */
    private boolean armed;

    /**
     * A Bind of {@code stmt} is about to go out: open a window if it starts a batch outside a
     * transaction and asks for at most one result format (a per-column list would not fit the
     * re-prepared statement's columns).
     */
    void onBind(ServerConnection on, PreparedStatement stmt, boolean singleResultFormat) {
        if (collecting || armed) {
            abandon();
            return;
        }
        if (!singleResultFormat || !on.ledger().isEmpty() || on.transactionStatus() != 'I') {
            return;
        }
        server = on;
        statement = stmt;
        collecting = true;
    }

    void captureWrite(ByteBuf msg) {
        if (collecting) {
            keep(msg.retainedDuplicate());
        }
    }

    void captureForward(ByteBuf buf, int offset, int length) {
        if (collecting) {
            keep(buf.retainedSlice(offset, length));
        }
    }

    private void keep(ByteBuf b) {
        sent.add(b);
        bytes += b.readableBytes();
        if (bytes > MAX_BYTES) {
            abandon();
        }
    }

    /** The client's Sync went out: the window is complete. */
    void onSync() {
        if (collecting) {
            collecting = false;
            armed = true;
        }
    }

    /** Something pgmux injected or answered itself: replaying would be wrong, so no retry. */
    void abandon() {
        collecting = false;
        armed = false;
        statement = null;
        server = null;
        sent.forEach(ByteBuf::release);
        sent.clear();
        bytes = 0;
    }

    /** A BindComplete for the window's Bind: nothing to retry. */
    void onBindComplete(ServerConnection from) {
        if ((armed || collecting) && from == server && from.ledger().headIs(ResponseLedger.BIND, false)) {
            abandon();
        }
    }

    /**
     * An ErrorResponse from {@code from}, before the ledger has seen it. Returns true when it was the
     * window's Bind failing on a stale plan and the batch has been re-sent: the caller drops the error.
     */
    boolean onError(ServerConnection from, PgError error) {
        if (from != server || !(armed || collecting) || !from.ledger().headIs(ResponseLedger.BIND, false)) {
            return false;
        }
        if (!armed || !isStalePlan(error) || !describesPortal()) {
            abandon();
            return false;
        }
        ResponseLedger ledger = from.ledger();
        ledger.onServerMessage(MessageTypes.ERROR_RESPONSE); // drops the batch up to its Sync, as the server does
        ledger.swallowNextSync();
        from.write(PreparedStatement.closeMessage(from.channel().alloc(), statement.serverName()));
        ledger.addSwallowed(ResponseLedger.CLOSE, null);
        from.write(statement.parseMessage(from.channel().alloc()));
        ledger.addSwallowed(ResponseLedger.PARSE, null);
        replay(from);
        from.flush();
        abandon();
        return true;
    }

    static boolean isStalePlan(PgError error) {
        return "0A000".equals(error.code()) && STALE_PLAN.equals(error.message());
    }

    /**
     * True when the batch asks for the portal's description: then the client learns the new row
     * shape from the retry itself. Without it, a client that kept the old RowDescription would read
     * the new rows wrongly, so the error goes to it instead.
     */
    private boolean describesPortal() {
        CompositeByteBuf batch = batch(io.netty.buffer.ByteBufAllocator.DEFAULT);
        try {
            int pos = batch.readerIndex();
            while (pos + MessageTypes.HEADER_LENGTH < batch.writerIndex()) {
                if (batch.getByte(pos) == MessageTypes.DESCRIBE && batch.getByte(pos + 5) == 'P') {
                    return true;
                }
                pos += batch.getInt(pos + 1) + 1;
            }
            return false;
        } finally {
            batch.release();
        }
    }

    /** The kept bytes as one buffer (the pieces retained again; release the result). */
    private CompositeByteBuf batch(io.netty.buffer.ByteBufAllocator alloc) {
        CompositeByteBuf batch = alloc.compositeBuffer(Math.max(2, sent.size()));
        for (ByteBuf b : sent) {
            batch.addComponent(true, b.retainedDuplicate());
        }
        return batch;
    }

    /** Sends the kept batch again and enters its requests in the ledger, as they were the first time. */
    private void replay(ServerConnection to) {
        CompositeByteBuf batch = batch(to.channel().alloc());
        int pos = batch.readerIndex();
        while (pos + MessageTypes.HEADER_LENGTH <= batch.writerIndex()) {
            byte type = batch.getByte(pos);
            int length = batch.getInt(pos + 1) + 1;
            byte kind = ResponseLedger.kindOf(type, length > 5 ? batch.getByte(pos + 5) : 0);
            if (kind != 0) {
                to.ledger().add(kind);
            }
            pos += length;
        }
        to.write(batch);
    }
}
