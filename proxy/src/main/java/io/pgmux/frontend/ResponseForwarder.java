package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.ParameterStatus;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SyntheticResponse;

import static io.pgmux.protocol.MessageTypes.*;

/**
 * The server-to-client direction of a session: matches each server message against the ledger,
 * forwards runs of messages as retained slices, drops the answers to pgmux's own requests, answers
 * for the requests pgmux satisfied itself, and reports ReadyForQuery to the session, which decides
 * whether the server goes back to the pool.
 */
final class ResponseForwarder implements MessageFramer.Listener {
    private final ClientSession session;
    private final Channel client;
    private final RunWriter run = new RunWriter();
    private ServerConnection server;
    /** The piecewise message in progress is being dropped, not forwarded. */
    private boolean dropping;

    ResponseForwarder(ClientSession session, Channel client) {
        this.session = session;
        this.client = client;
    }

    void feed(ServerConnection from, ByteBuf data) {
        server = from;
        try {
            from.framer().feed(data.alloc(), data, this);
        } finally {
            flushRun();
        }
    }

    void flushRun() {
        if (run.writeTo(client)) {
            session.clientWritten();
        }
    }

    @Override
    public boolean needsWhole(byte type) {
        return type == READY_FOR_QUERY || type == ERROR_RESPONSE || type == PARAMETER_STATUS
                || (type == COMMAND_COMPLETE && session.sql().watchingCommandTags())
                || (type == DATA_ROW && SessionRouting.isCapture(server.ledger().headPayload()));
    }

    @Override
    public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
        ResponseLedger ledger = server.ledger();
        PgError error = type == ERROR_RESPONSE ? ErrorFields.parse(buf, offset, length) : null;
        if (type == BIND_COMPLETE) {
            session.planRetry().onBindComplete(server);
        } else if (error != null && session.planRetry().onError(server, error)) {
            flushRun();
            return true; // a stale cached plan, re-prepared and retried: the client never sees this error
        } else if (error != null && PlanRetry.isStalePlan(error) && ledger.headPayload() instanceof PreparedStatement stale) {
            server.statements().invalidate(stale); // re-prepared on its next use, as PostgreSQL's clients expect
        }
        Object head = ledger.headPayload();
        Object syncDone = type == READY_FOR_QUERY && head instanceof ParameterSync p ? p : null;
        if (type == DATA_ROW && SessionRouting.isCapture(head) && available == length) {
            session.routing().onLsnRow(buf, offset, length); // read-your-writes: the primary's WAL position
        }
        int action = ledger.onServerMessage(type);
        if (syncDone != null) {
            session.onSyncDone(server, (ParameterSync) syncDone);
        }
        byte status = 0;
        switch (type) {
            case READY_FOR_QUERY -> {
                status = ReadyForQuery.status(buf, offset);
                server.transactionStatus(status);
            }
            case PARAMETER_STATUS -> {
                ParameterStatus p = ParameterStatus.read(buf, offset, length);
                server.reportedParameters().put(p.name(), p.value());
                server.matchedParameters(0); // its settings changed: compare in full next time
                String restored = session.sql().restoredValue(p.name());
                if (restored != null) {
                    // the client's RESET: it gets its startup value back, the server is synced before next use
                    session.parameters().expect(p.name(), restored);
                    flushRun();
                    client.write(BackendMessages.parameterStatus(client.alloc(), p.name(), restored), client.voidPromise());
                    session.clientWritten();
                    action = ResponseLedger.DROP;
                } else if (session.parameters().onReported(p.name(), p.value())) {
                    action = ResponseLedger.FORWARD; // the client's view changed: tell it even after a sync
                }
                session.parameterReported(p.name());
            }
            case ERROR_RESPONSE -> {
                if (action == ResponseLedger.SWALLOWED_ERROR && SessionRouting.isCapture(head)) {
                    session.routing().onLsnError(); // the "primary" is in recovery: reads stay on it a while
                    action = ResponseLedger.DROP;
                } else if (action == ResponseLedger.SWALLOWED_ERROR) {
                    session.onSwallowedError(error);
                    action = ResponseLedger.DROP;
                } else if (error.isFatal() && run.isEmpty() && session.mayRetryRead()) {
                    session.countServerFailure(error);
                    action = ResponseLedger.DROP; // a replica shutting down: the read goes elsewhere when it closes
                } else {
                    session.countServerFailure(error); // issue 7: 57P01, 53300... count against the breaker
                    session.countError(error); // issue 4: metrics, errors by SQLSTATE class
                    if (error.isFatal()) {
                        session.onServerFatal(error);
                    }
                }
            }
            case COMMAND_COMPLETE -> {
                if (session.sql().watchingCommandTags() && available == length) {
                    session.sql().onCommandTag(server, io.pgmux.protocol.Wire.readCString(buf, offset + 5, offset + length));
                }
            }
            default -> {
            }
        }
        if (session.isClosed()) {
            action = ResponseLedger.DROP;
        }
        if (action == ResponseLedger.FORWARD) {
            run.add(client, buf, offset, available);
            dropping = false;
        } else {
            flushRun();
            dropping = available < length;
        }
        emitSynthetic(server);
        if (type == READY_FOR_QUERY) {
            session.onReadyForQuery(server, status);
        }
        return true;
    }

    @Override
    public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
        if (!dropping) {
            run.add(client, buf, offset, length);
        }
    }

    /** Answers, in order, the requests pgmux satisfied without the server (e.g. a cached Parse). */
    void emitSynthetic(ServerConnection on) {
        Object answer;
        while ((answer = on.ledger().pollSynthetic()) != null) {
            flushRun();
            if (session.isClosed()) {
                continue;
            }
            ByteBuf msg = answer instanceof Byte type
                    ? BackendMessages.empty(client.alloc(), type)
                    : ((SyntheticResponse) answer).render(client.alloc(), on.transactionStatus());
            client.write(msg, client.voidPromise());
            session.clientWritten();
        }
    }
}
