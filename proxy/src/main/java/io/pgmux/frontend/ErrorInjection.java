package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ResponseLedger;

import static io.pgmux.protocol.Wire.beginMessage;
import static io.pgmux.protocol.Wire.endMessage;
import static io.pgmux.protocol.Wire.writeCString;

/**
 * Makes the server itself raise an error pgmux decided on, in the middle of an extended-protocol
 * pipeline. Answering the client directly would be wrong: the server would not skip to the next
 * Sync, and an open transaction would not be marked failed. So pgmux runs
 * {@code DO $$ BEGIN RAISE EXCEPTION ... $$} in place of the refused message: the client gets an
 * ErrorResponse with the chosen SQLSTATE and message, with PostgreSQL's own semantics after it.
 */
final class ErrorInjection {
    private ErrorInjection() {
    }

    static void inject(ServerConnection server, ServerWriter out, PgError error) {
        inject(server, out, error, false);
    }

    /**
     * @param replacesQuery the refused message is a simple Query: a Sync follows, so the client gets
     *                      the ReadyForQuery a Query ends with
     */
    static void inject(ServerConnection server, ServerWriter out, PgError error, boolean replacesQuery) {
        ByteBufAllocator alloc = server.channel().alloc();
        String sql = "DO $pgmux$BEGIN RAISE EXCEPTION USING ERRCODE = " + ParameterSync.literal(error.code())
                + ", MESSAGE = " + ParameterSync.literal(error.message())
                + (error.hint() == null ? "" : ", HINT = " + ParameterSync.literal(error.hint()))
                + "; END$pgmux$";
        ByteBuf msgs = alloc.buffer(64 + sql.length() * 2);
        // Parse: unnamed statement, no parameter types
        int len = beginMessage(msgs, MessageTypes.PARSE);
        writeCString(msgs, "");
        writeCString(msgs, sql);
        msgs.writeShort(0);
        endMessage(msgs, len);
        // Bind: unnamed portal and statement, no formats, no parameters, no result formats
        msgs.writeByte(MessageTypes.BIND).writeInt(12).writeByte(0).writeByte(0).writeShort(0).writeShort(0).writeShort(0);
        // Execute: unnamed portal, no row limit
        msgs.writeByte(MessageTypes.EXECUTE).writeInt(9).writeByte(0).writeInt(0);
        if (replacesQuery) {
            msgs.writeByte(MessageTypes.SYNC).writeInt(4);
        }
        out.writeInjected(msgs);
        ResponseLedger ledger = server.ledger();
        ledger.addSwallowed(ResponseLedger.PARSE, null);
        ledger.addSwallowed(ResponseLedger.BIND, null);
        ledger.add(ResponseLedger.EXECUTE); // its ErrorResponse is the client's
        if (replacesQuery) {
            ledger.add(ResponseLedger.SYNC);
        }
    }
}
