package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the answer to a simple query pgmux itself sent ({@link ServerProbe}, {@link MonitorConnection}):
 * its first row as text, an error, and the ReadyForQuery that ends it. Its messages are small, so
 * each is taken whole.
 */
abstract class SimpleQueryReader implements ServerListener, MessageFramer.Listener {
    private List<String> firstRow;

    /** The query's answer ended with ReadyForQuery: its first row, or an empty list without rows. */
    protected abstract void answered(List<String> firstRow);

    /** The server answered with an error, sent something that cannot be framed, or closed. */
    protected abstract void failed(Throwable cause);

    /** Before the next query on the same connection. */
    protected final void forgetRow() {
        firstRow = null;
    }

    @Override
    public final void onServerData(ServerConnection server, ByteBuf data) {
        try {
            server.framer().feed(data.alloc(), data, this);
        } catch (RuntimeException e) {
            failed(e);
        } finally {
            data.release();
        }
    }

    @Override
    public final boolean needsWhole(byte type) {
        return true;
    }

    @Override
    public final boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        switch (type) {
            case MessageTypes.DATA_ROW -> {
                if (firstRow == null) {
                    firstRow = row(buf, offset);
                }
            }
            case MessageTypes.ERROR_RESPONSE -> failed(new PgException(ErrorFields.parse(buf, offset, length)));
            case MessageTypes.READY_FOR_QUERY -> answered(firstRow == null ? List.of() : firstRow);
            default -> {
            }
        }
        return true;
    }

    @Override
    public final void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        throw new IllegalStateException("answers to pgmux's own queries are always taken whole");
    }

    @Override
    public final void onServerReadComplete(ServerConnection server) {
    }

    @Override
    public final void onServerWritabilityChanged(ServerConnection server, boolean writable) {
    }

    /** A DataRow's columns as text (null for SQL NULL). */
    static List<String> row(ByteBuf buf, int offset) {
        int n = buf.getUnsignedShort(offset + 5);
        int pos = offset + 7;
        List<String> row = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = buf.getInt(pos);
            pos += 4;
            if (len < 0) {
                row.add(null);
            } else {
                row.add(buf.toString(pos, len, StandardCharsets.UTF_8));
                pos += len;
            }
        }
        return row;
    }
}
