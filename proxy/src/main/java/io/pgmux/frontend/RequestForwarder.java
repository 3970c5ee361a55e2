package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.ResponseLedger;

import static io.pgmux.protocol.MessageTypes.*;

/**
 * The client-to-server direction of a session: frames the client's messages, enters each request
 * in the server's {@link ResponseLedger}, and forwards them as retained slices. With no server
 * attached it stops at the first message that needs one, so the session can acquire a server and
 * feed the rest again.
 */
final class RequestForwarder implements MessageFramer.Listener {
    private final ClientSession session;
    private final MessageFramer framer;
    private final RunWriter run = new RunWriter();
    private Channel target;

    RequestForwarder(ClientSession session, int maxMessageSize) {
        this.session = session;
        this.framer = new MessageFramer(maxMessageSize);
    }

    /** Forwards what it can of {@code in}; returns where it stopped (see {@link MessageFramer#feed}). */
    int feed(ByteBuf in) {
        ServerConnection server = session.server();
        target = server == null ? null : server.channel();
        try {
            return framer.feed(in.alloc(), in, this);
        } finally {
            flushRun();
        }
    }

    private void flushRun() {
        if (target != null && run.writeTo(target)) {
            session.serverWritten();
        }
    }

    @Override
    public boolean needsWhole(byte type) {
        return type != COPY_DATA; // COPY data streams through; everything else is small enough to look at
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        if (session.isClosed()) {
            return true;
        }
        ServerConnection server = session.server();
        if (server == null) {
            return switch (type) {
                case TERMINATE -> {
                    session.terminate();
                    yield true;
                }
                // PostgreSQL ignores stray COPY messages outside COPY; so does pgmux without a server
                case COPY_DATA, COPY_DONE, COPY_FAIL -> true;
                default -> false;
            };
        }
        ResponseLedger ledger = server.ledger();
        switch (type) {
            case QUERY -> {
                ledger.add(ResponseLedger.QUERY);
                session.countQuery();
            }
            case PARSE -> ledger.add(ResponseLedger.PARSE);
            case BIND -> ledger.add(ResponseLedger.BIND);
            case DESCRIBE -> {
                if (length < 7) {
                    throw ProtocolException.violation("invalid DESCRIBE message subtype");
                }
                byte what = buf.getByte(offset + 5);
                ledger.add(what == 'S' ? ResponseLedger.DESCRIBE_STATEMENT : ResponseLedger.DESCRIBE_PORTAL);
            }
            case EXECUTE -> {
                ledger.add(ResponseLedger.EXECUTE);
                session.countQuery();
            }
            case CLOSE -> ledger.add(ResponseLedger.CLOSE);
            case SYNC -> ledger.add(ResponseLedger.SYNC);
            case FUNCTION_CALL -> ledger.add(ResponseLedger.FUNCTION_CALL);
            case FLUSH, COPY_DATA, COPY_DONE, COPY_FAIL -> {
                // no response of their own
            }
            case TERMINATE -> {
                flushRun();
                session.terminate();
                return true;
            }
            default -> throw ProtocolException.violation("invalid frontend message type " + (type & 0xff));
        }
        run.add(target, buf, offset, available);
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        if (target != null && !session.isClosed()) {
            run.add(target, buf, offset, length);
        }
    }

    /** True when framing stopped at a message the framer assembled and holds (see {@link MessageFramer#holdsMessage}). */
    boolean holdsMessage() {
        return framer.holdsMessage();
    }

    /** True while a client message is only partly forwarded: the server is waiting for the rest. */
    boolean inMessage() {
        return framer.inPiecewiseMessage();
    }

    void release() {
        framer.release();
    }
}
