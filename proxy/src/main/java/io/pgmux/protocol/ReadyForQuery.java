package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;

/** ReadyForQuery: {@code 'Z' int32(5) byte status}, status {@code I} idle, {@code T} in a block, {@code E} failed block. */
public final class ReadyForQuery {
    private ReadyForQuery() {
    }

    public static final byte IDLE = 'I';
    public static final byte IN_TRANSACTION = 'T';
    public static final byte FAILED_TRANSACTION = 'E';

    public static byte status(ByteBuf buf, int offset) {
        return buf.getByte(offset + MessageTypes.HEADER_LENGTH);
    }
}
