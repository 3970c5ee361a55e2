package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A ParameterStatus message: {@code 'S' int32 len cstring name cstring value}.
 */
public record ParameterStatus(String name, String value) {

    /** Reads the message at {@code offset} (its type byte). */
    public static ParameterStatus read(ByteBuf buf, int offset, int length) {
        int end = offset + length;
        int nameStart = offset + MessageTypes.HEADER_LENGTH;
        int nameEnd = Wire.cStringEnd(buf, nameStart, end);
        if (nameEnd < 0) {
            throw ProtocolException.violation("invalid ParameterStatus message");
        }
        String name = Wire.readCString(buf, nameStart, end);
        String value = Wire.readCString(buf, nameEnd + 1, end);
        return new ParameterStatus(name, value);
    }
}
