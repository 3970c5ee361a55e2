package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** An answer pgmux gives in the server's place, rendered when its turn comes. */
@FunctionalInterface
public interface SyntheticResponse {
    /**
     * @param transactionStatus the server's transaction status at that point, for a ReadyForQuery
     */
    ByteBuf render(ByteBufAllocator alloc, byte transactionStatus);

    /** CommandComplete with {@code tag}, then ReadyForQuery: the answer to a simple Query. */
    static SyntheticResponse commandComplete(String tag) {
        return (alloc, status) -> {
            ByteBuf out = alloc.buffer(16 + tag.length());
            BackendMessages.writeCommandComplete(out, tag);
            out.writeByte(MessageTypes.READY_FOR_QUERY).writeInt(5).writeByte(status);
            return out;
        };
    }

    /** ErrorResponse, then ReadyForQuery: a simple Query refused. */
    static SyntheticResponse error(PgError error) {
        return (alloc, status) -> {
            ByteBuf err = BackendMessages.errorResponse(alloc, error);
            ByteBuf out = alloc.buffer(err.readableBytes() + 6);
            out.writeBytes(err);
            err.release();
            out.writeByte(MessageTypes.READY_FOR_QUERY).writeInt(5)
                    .writeByte(status == ReadyForQuery.IN_TRANSACTION ? ReadyForQuery.FAILED_TRANSACTION : status);
            return out;
        };
    }
}
