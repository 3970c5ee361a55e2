package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.Wire;

import java.nio.charset.StandardCharsets;

/**
 * The parameter values of a Bind message, read in place, for shard keys given as {@code $n}.
 * Valid only while the message's buffer is: the proxy resolves the shard before it forwards the
 * message.
 */
public final class BindParameters implements ShardResolver.Params {
    private final ByteBuf buf;
    private final int formatsAt;
    private final int formatCount;
    private final int paramsAt;
    private final int paramCount;
    private final int end;

    /** {@code buf[offset, offset+length)} is a whole Bind message, type byte included. */
    public BindParameters(ByteBuf buf, int offset, int length) {
        this.buf = buf;
        this.end = offset + length;
        int portalEnd = Wire.cStringEnd(buf, offset + MessageTypes.HEADER_LENGTH, end);
        int statementEnd = Wire.cStringEnd(buf, portalEnd + 1, end);
        int p = statementEnd + 1;
        this.formatCount = p + 2 <= end ? buf.getUnsignedShort(p) : 0;
        this.formatsAt = p + 2;
        p = formatsAt + 2 * formatCount;
        this.paramCount = p + 2 <= end ? buf.getUnsignedShort(p) : 0;
        this.paramsAt = p + 2;
    }

    /** The statement name the Bind names ("" for the unnamed statement). */
    public static String statementName(ByteBuf buf, int offset, int length) {
        int end = offset + length;
        int portalEnd = Wire.cStringEnd(buf, offset + MessageTypes.HEADER_LENGTH, end);
        return Wire.readCString(buf, portalEnd + 1, end);
    }

    @Override
    public ShardKeyValue value(int index, KeyType type) {
        if (index < 1 || index > paramCount) {
            return null;
        }
        int p = paramsAt;
        for (int i = 1; i < index; i++) {
            if (p + 4 > end) {
                return null;
            }
            int len = buf.getInt(p);
            p += 4 + Math.max(len, 0);
        }
        if (p + 4 > end) {
            return null;
        }
        int len = buf.getInt(p);
        if (len < 0 || p + 4 + len > end) {
            return null; // NULL: no shard
        }
        if (formatCount > 1 && formatCount < index) {
            return null; // malformed: the server will say so
        }
        int format = formatCount == 0 ? 0 : buf.getUnsignedShort(formatsAt + 2 * (formatCount == 1 ? 0 : index - 1));
        if (format == 1) {
            return ShardKeyValue.ofBinary(ByteBufUtil.getBytes(buf, p + 4, len), 0, len, type);
        }
        return ShardKeyValue.ofText(buf.toString(p + 4, len, StandardCharsets.UTF_8), type);
    }
}
