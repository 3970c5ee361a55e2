package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SyntheticResponse;


import static io.pgmux.protocol.MessageTypes.*;

/**
 * The client-to-server direction of a session: frames the client's messages, enters each request
 * in the server's {@link ResponseLedger}, and forwards them as retained slices. With no server
 * attached it stops at the first message that needs one, so the session can acquire a server and
 * feed the rest again. In transaction mode it hands named-statement messages to the
 * {@link StatementRewriter} and SQL to the session's session-state check first.
 */
final class RequestForwarder implements MessageFramer.Listener, ServerWriter {
    private final ClientSession session;
    private final MessageFramer framer;
    private final RunWriter run = new RunWriter();
    private Channel target;
    /** The buffer being fed: a message handed over in it may be looked past (routing's batch check). */
    private ByteBuf input;
    /** A batch went to a replica: the next message waits until its answer is complete. */
    private boolean atBoundary;

    RequestForwarder(ClientSession session, int maxMessageSize) {
        this.session = session;
        this.framer = new MessageFramer(maxMessageSize);
    }

    /** Forwards what it can of {@code in}; returns where it stopped (see {@link MessageFramer#feed}). */
    int feed(ByteBuf in) {
        ServerConnection server = session.server();
        target = server == null ? null : server.channel();
        input = in;
        try {
            return framer.feed(in.alloc(), in, this);
        } finally {
            input = null;
            flushRun();
        }
    }

    private void flushRun() {
        if (target != null && run.writeTo(target)) {
            session.serverWritten();
        }
    }

    @Override
    public void write(ByteBuf message) {
        session.planRetry().captureWrite(message);
        flushRun();
        target.write(message, target.voidPromise());
        session.serverWritten();
    }

    @Override
    public void writeInjected(ByteBuf message) {
        session.planRetry().abandon();
        flushRun();
        target.write(message, target.voidPromise());
        session.serverWritten();
    }

    @Override
    public void forward(ByteBuf buf, int offset, int length) {
        session.planRetry().captureForward(buf, offset, length);
        run.add(target, buf, offset, length);
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
        if (scatterSkip > 0) {
            scatterSkip -= length; // the rest of a batch a scatter took whole
            return true;
        }
        if (failedBatch != null) {
            return skipFailedBatch(type);
        }
        if (session.scattering()) {
            return false; // stop here: the session feeds the rest once every shard has answered
        }
        ServerConnection server = session.server();
        if (server == null) {
            if (withoutServer(type, buf, offset, length)) {
                return true;
            }
            if (!session.attachIdleServer(type, buf, offset, length)) {
                if (session.scattering()) {
                    scatterSkip = session.shards().batchEnd() - offset - length;
                    return true; // taken: the batch runs on every shard
                }
                return false; // stop here: the session waits for a server and feeds the rest again
            }
            server = session.server();
            target = server.channel();
        } else if (atBoundary) {
            if (!server.ledger().isEmpty()) {
                return false; // stop here: the session feeds the rest once the replica has answered
            }
            atBoundary = false;
        }
        SessionRouting routing = session.routing();
        if (routing != null) {
            routing.onRequest(type, buf, offset, available, length);
        }
        if (handled(server, type, buf, offset, length)) {
            return true;
        }
        forward(buf, offset, available);
        if (type == SYNC) {
            session.planRetry().onSync();
        }
        if ((type == SYNC || type == QUERY) && routing != null && routing.oneBatchAtATime()) {
            atBoundary = true;
        }
        return true;
    }

    /**
     * A statement pgmux runs itself in the extended protocol ({@code SET pgmux.shard} sent by
     * pgjdbc): its command tag, or the error it failed with; null when there is none. Its Bind,
     * Describe and Execute are answered here, up to the Sync.
     */
    private Object localAnswer;

    private boolean answerLocalStatement(byte type, ByteBuf buf, int offset) {
        io.netty.buffer.ByteBufAllocator alloc = session.clientChannel().alloc();
        if (type == SYNC) {
            localAnswer = null;
            return session.answerLocally(READY_FOR_QUERY);
        }
        if (localAnswer instanceof PgError) {
            return true; // after an error everything up to Sync is skipped, as a server does
        }
        return switch (type) {
            case BIND -> session.answerLocally(BIND_COMPLETE);
            case DESCRIBE -> {
                if (buf.getByte(offset + HEADER_LENGTH) == 'S') {
                    // no parameters
                    session.answerLocally(alloc.buffer(7).writeByte(PARAMETER_DESCRIPTION).writeInt(6).writeShort(0));
                }
                yield session.answerLocally(BackendMessages.empty(alloc, NO_DATA));
            }
            case EXECUTE -> {
                ByteBuf tag = alloc.buffer(16);
                BackendMessages.writeCommandComplete(tag, (String) localAnswer);
                yield session.answerLocally(tag);
            }
            case CLOSE -> session.answerLocally(CLOSE_COMPLETE);
            case TERMINATE -> {
                session.terminate();
                yield true;
            }
            default -> true; // Flush: nothing to send
        };
    }

    /** The error a batch that could not get a server is answered with, at its end; null when none. */
    private PgError failedBatch;

    /**
     * The batch from the next message on could not get a server (a shard that cannot be reached):
     * it is skipped up to its end (its Query, or its Sync) and answered with {@code error}.
     */
    void failBatch(PgError error) {
        failedBatch = error;
    }

    private boolean skipFailedBatch(byte type) {
        if (type == TERMINATE) {
            failedBatch = null;
            session.terminate();
        } else if (type == QUERY || type == SYNC) {
            PgError e = failedBatch;
            failedBatch = null;
            session.answerLocally(SyntheticResponse.error(e));
        }
        return true;
    }

    /** Bytes of a batch a scatter took that are still to be consumed. */
    private int scatterSkip;

    /** The replica answered the batch: the next message may go. */
    void clearBoundary() {
        atBoundary = false;
    }

    /**
     * With no server attached (the client is between transactions): what can be answered without
     * one is answered here; returns false when a server is needed. Answering a named Parse + Sync
     * locally matters: a client preparing a statement must not wait for a server connection
     * (pgbench -M prepared does it with a blocking call while its other connections hold servers,
     * which would deadlock a small pool).
     */
    private boolean withoutServer(byte type, ByteBuf buf, int offset, int length) {
        if (localAnswer != null) {
            return answerLocalStatement(type, buf, offset);
        }
        if (type == PARSE) {
            return parseWithoutServer(buf, offset, length);
        }
        StatementRewriter rewriter = session.rewriter();
        return switch (type) {
            case TERMINATE -> {
                session.terminate();
                yield true;
            }
            // PostgreSQL ignores stray COPY messages outside COPY; so does pgmux without a server
            case COPY_DATA, COPY_DONE, COPY_FAIL -> true;
            case QUERY -> (session.shards() != null && session.shards().answerWithoutServer(buf, offset, length))
                    || session.sql().answerWithoutServer(buf, offset, length)
                    || (session.routing() != null && session.routing().answerWithoutServer(buf, offset, length));
            case CLOSE -> rewriter != null && length >= 7
                    && session.answerLocally(rewriter.closeWithoutServer(buf, offset, length) ? CLOSE_COMPLETE : 0);
            // between transactions nothing is pending: the answer to Sync is ReadyForQuery
            case SYNC -> session.answerLocally(READY_FOR_QUERY);
            case FLUSH -> true;
            default -> false;
        };
    }

    /** A Parse between transactions: answered here when no server is needed for it (then counted here). */
    private boolean parseWithoutServer(ByteBuf buf, int offset, int length) {
        boolean answered = parseAnsweredLocally(buf, offset, length);
        if (answered) {
            session.pool().stats().clientParses.increment(); // a Parse sent on is counted where it is sent
        }
        return answered;
    }

    private boolean parseAnsweredLocally(ByteBuf buf, int offset, int length) {
        if (session.shards() != null) {
            Object setting = session.shards().settingFromParse(buf, offset, length);
            if (setting != null) {
                localAnswer = setting;
                return session.answerLocally(setting instanceof PgError e
                        ? BackendMessages.errorResponse(session.clientChannel().alloc(), e)
                        : BackendMessages.empty(session.clientChannel().alloc(), PARSE_COMPLETE));
            }
        }
        StatementRewriter rewriter = session.rewriter();
        return rewriter != null && !session.sql().parseNeedsServer(buf, offset, length)
                && session.answerLocally(rewriter.parseWithoutServer(buf, offset, length) ? PARSE_COMPLETE : 0);
    }

    /**
     * Enters the request in the ledger, or lets the rewriter or the session-state check deal with it.
     * Returns true when the message was consumed (written in another form, answered, or refused).
     */
    private boolean handled(ServerConnection server, byte type, ByteBuf buf, int offset, int length) {
        ResponseLedger ledger = server.ledger();
        StatementRewriter rewriter = session.rewriter();
        ShardRouter shards = session.shards();
        if (shards != null && shardRefused(shards, server, type, buf, offset, length)) {
            return true;
        }
        switch (type) {
            case QUERY -> {
                if (session.sql().onQuery(server, buf, offset, length, this)) {
                    return true;
                }
                ledger.add(ResponseLedger.QUERY);
                session.countQuery();
            }
            case PARSE -> {
                session.pool().stats().clientParses.increment(); // also when the cache answers it
                if (session.sql().onParse(server, buf, offset, length, this)) {
                    return true;
                }
                if (rewriter != null && rewriter.parse(server, buf, offset, length, this)) {
                    return true;
                }
                ledger.add(ResponseLedger.PARSE);
            }
            case BIND -> {
                session.pool().stats().binds.increment();
                if (rewriter != null && rewriter.bind(server, buf, offset, length, this)) {
                    return true;
                }
                ledger.add(ResponseLedger.BIND);
            }
            case DESCRIBE -> {
                if (length < 7) {
                    throw ProtocolException.violation("invalid DESCRIBE message subtype");
                }
                if (rewriter != null && rewriter.describe(server, buf, offset, length, this)) {
                    return true;
                }
                ledger.add(buf.getByte(offset + 5) == 'S' ? ResponseLedger.DESCRIBE_STATEMENT : ResponseLedger.DESCRIBE_PORTAL);
            }
            case CLOSE -> {
                if (length < 7) {
                    throw ProtocolException.violation("invalid CLOSE message subtype");
                }
                if (rewriter != null && rewriter.close(server, buf, offset, length)) {
                    return true;
                }
                ledger.add(ResponseLedger.CLOSE);
            }
            case EXECUTE -> {
                ledger.add(ResponseLedger.EXECUTE);
                session.countQuery();
            }
            case SYNC -> ledger.add(ResponseLedger.SYNC);
            case FUNCTION_CALL -> ledger.add(ResponseLedger.FUNCTION_CALL);
            case COPY_DONE, COPY_FAIL -> ledger.add(ResponseLedger.COPY_END);
            case FLUSH, COPY_DATA -> {
                // no response of their own
            }
            case TERMINATE -> {
                flushRun();
                session.terminate();
                return true;
            }
            default -> throw ProtocolException.violation("invalid frontend message type " + (type & 0xff));
        }
        return false;
    }

    /**
     * Sharded: a {@code SET pgmux.*} answered in the server's turn, or a statement that maps to
     * another shard than the transaction's, raised as an error by the server. True when consumed.
     */
    private boolean shardRefused(ShardRouter shards, ServerConnection server, byte type, ByteBuf buf, int offset,
                                 int length) {
        PgError error = shards.takePending();
        if (error == null && type == QUERY) {
            Object answer = shards.onQueryInTransaction(buf, offset, length);
            if (answer instanceof SyntheticResponse r) {
                server.ledger().addSynthetic(ResponseLedger.QUERY, r);
                session.emitSynthetic(server);
                return true;
            }
            error = (PgError) answer;
        }
        if (error == null) {
            error = shards.check(type, buf, offset, length);
        }
        if (error == null) {
            return false;
        }
        ErrorInjection.inject(server, this, error, type == QUERY);
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        session.planRetry().abandon(); // COPY data is never replayed
        if (target != null && !session.isClosed()) {
            run.add(target, buf, offset, length);
        }
    }

    /** True when framing stopped at a message the framer assembled and holds (see {@link MessageFramer#holdsMessage}). */
    boolean holdsMessage() {
        return framer.holdsMessage();
    }

    /** See {@link MessageFramer#takeHeldMessage}. */
    ByteBuf takeHeldMessage() {
        return framer.takeHeldMessage();
    }

    /** True while a client message is only partly forwarded: the server is waiting for the rest. */
    boolean inMessage() {
        return framer.inPiecewiseMessage();
    }

    void release() {
        atBoundary = false;
        framer.release();
        run.discard();
    }
}
