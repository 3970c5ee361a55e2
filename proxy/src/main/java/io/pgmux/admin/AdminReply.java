package io.pgmux.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.PgError;

import java.util.List;

/**
 * The answer to one admin statement, rendered as backend messages (without the ReadyForQuery
 * that ends the whole Query).
 */
sealed interface AdminReply {

    /** Writes the reply's messages into {@code out}. */
    void writeTo(ByteBuf out, ByteBufAllocator alloc);

    /** RowDescription, DataRows and CommandComplete, optionally after notices. */
    record Rows(ResultTable table, String tag, List<PgError> notices) implements AdminReply {
        Rows(ResultTable table) {
            this(table, "SHOW", List.of());
        }

        @Override
        public void writeTo(ByteBuf out, ByteBufAllocator alloc) {
            Done.notices(out, alloc, notices);
            BackendMessages.writeRowDescription(out, table.columns());
            for (List<String> row : table.rows()) {
                BackendMessages.writeDataRow(out, row);
            }
            BackendMessages.writeCommandComplete(out, tag);
        }
    }

    /** CommandComplete alone (PAUSE, SET ...), optionally after notices. */
    record Done(String tag, List<PgError> notices) implements AdminReply {
        Done(String tag) {
            this(tag, List.of());
        }

        @Override
        public void writeTo(ByteBuf out, ByteBufAllocator alloc) {
            notices(out, alloc, notices);
            BackendMessages.writeCommandComplete(out, tag);
        }

        static void notices(ByteBuf out, ByteBufAllocator alloc, List<PgError> notices) {
            for (PgError n : notices) {
                ByteBuf msg = BackendMessages.noticeResponse(alloc, n);
                try {
                    out.writeBytes(msg);
                } finally {
                    msg.release();
                }
            }
        }
    }

    /** An ErrorResponse: the statement failed, the rest of the Query is skipped. */
    record Failed(PgError error) implements AdminReply {
        @Override
        public void writeTo(ByteBuf out, ByteBufAllocator alloc) {
            ByteBuf msg = BackendMessages.errorResponse(alloc, error);
            try {
                out.writeBytes(msg);
            } finally {
                msg.release();
            }
        }
    }
}
