package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.Wire;

import java.nio.charset.StandardCharsets;

/** A shard's ErrorResponse as the client gets it: every field kept, the shard named in the detail. */
final class MergeErrors {
    private MergeErrors() {
    }

    /**
     * A copy of the ErrorResponse at {@code error}'s reader index whose DETAIL ends with
     * {@code (on shard <shard>)}; does not touch {@code error}'s indexes or reference count.
     */
    static ByteBuf labelled(ByteBufAllocator alloc, ByteBuf error, String shard) {
        int start = error.readerIndex();
        int end = start + 1 + error.getInt(start + 1);
        ByteBuf out = alloc.buffer(end - start + shard.length() + 32);
        int len = Wire.beginMessage(out, MessageTypes.ERROR_RESPONSE);
        String detail = null;
        int pos = start + MessageTypes.HEADER_LENGTH;
        while (pos < end && error.getByte(pos) != 0) {
            byte field = error.getByte(pos);
            int nul = Wire.cStringEnd(error, pos + 1, end);
            if (nul < 0) {
                break;
            }
            if (field == 'D') {
                detail = error.toString(pos + 1, nul - pos - 1, StandardCharsets.UTF_8);
            } else {
                out.writeBytes(error, pos, nul + 1 - pos);
            }
            pos = nul + 1;
        }
        String where = "(on shard " + shard + ")";
        out.writeByte('D');
        Wire.writeCString(out, detail == null ? where : detail + " " + where);
        out.writeByte(0);
        Wire.endMessage(out, len);
        return out;
    }
}
