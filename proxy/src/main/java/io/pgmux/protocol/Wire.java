package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/** Low-level helpers shared by the message writers and readers: C strings and back-patched lengths. */
public final class Wire {
    private Wire() {
    }

    /** Writes the type byte and a length placeholder; returns the placeholder's index for {@link #endMessage}. */
    public static int beginMessage(ByteBuf out, byte type) {
        out.writeByte(type);
        int at = out.writerIndex();
        out.writeInt(0);
        return at;
    }

    /** Back-patches the int32 length (which counts itself but not the type byte). */
    public static void endMessage(ByteBuf out, int lengthIndex) {
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
    }

    /** Writes a NUL-terminated UTF-8 string. */
    public static void writeCString(ByteBuf out, String s) {
        ByteBufUtil.writeUtf8(out, s);
        out.writeByte(0);
    }

    /** Index of the NUL ending the C string that starts at {@code from}, or -1 if none before {@code to}. */
    public static int cStringEnd(ByteBuf buf, int from, int to) {
        return buf.indexOf(from, to, (byte) 0);
    }

    /** Reads the C string at {@code from}; the caller has checked it is terminated before {@code to}. */
    public static String readCString(ByteBuf buf, int from, int to) {
        int nul = cStringEnd(buf, from, to);
        if (nul < 0) {
            throw ProtocolException.violation("invalid string in message");
        }
        return buf.toString(from, nul - from, StandardCharsets.UTF_8);
    }

    /** UTF-8 byte length of a Java string, for sizing buffers. */
    public static int utf8Length(String s) {
        return ByteBufUtil.utf8Bytes(s);
    }
}
