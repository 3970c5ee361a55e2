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
}
