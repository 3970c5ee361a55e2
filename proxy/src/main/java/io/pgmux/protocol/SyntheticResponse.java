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
}
