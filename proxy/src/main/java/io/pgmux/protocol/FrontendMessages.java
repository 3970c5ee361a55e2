package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.Map;

import static io.pgmux.protocol.MessageTypes.*;
import static io.pgmux.protocol.Wire.beginMessage;
import static io.pgmux.protocol.Wire.endMessage;
import static io.pgmux.protocol.Wire.writeCString;

/** Writers for the frontend messages pgmux originates towards PostgreSQL servers. */
public final class FrontendMessages {
    private FrontendMessages() {
    }

    // int32 len, int32 protocol 3.0, { cstring key, cstring value }*, byte 0
    public static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> params) {
        ByteBuf out = alloc.buffer(128);
        out.writeInt(0);
        out.writeInt(StartupCodes.PROTOCOL_3_0);
        params.forEach((k, v) -> {
            writeCString(out, k);
            writeCString(out, v);
        });
        out.writeByte(0);
        out.setInt(0, out.writerIndex());
        return out;
    }

    public static ByteBuf cancelRequest(ByteBufAllocator alloc, int pid, int secret) {
        ByteBuf out = alloc.buffer(16);
        out.writeInt(16).writeInt(StartupCodes.CANCEL_REQUEST).writeInt(pid).writeInt(secret);
        return out;
    }

    /** PasswordMessage with a cleartext password or an md5 response. */
    public static ByteBuf password(ByteBufAllocator alloc, String password) {
        ByteBuf out = alloc.buffer(8 + password.length() * 3);
        int len = beginMessage(out, PASSWORD);
        writeCString(out, password);
        endMessage(out, len);
        return out;
    }

    public static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, byte[] data) {
        ByteBuf out = alloc.buffer(16 + mechanism.length() + data.length);
        int len = beginMessage(out, PASSWORD);
        writeCString(out, mechanism);
        out.writeInt(data.length).writeBytes(data);
        endMessage(out, len);
        return out;
    }

    public static ByteBuf saslResponse(ByteBufAllocator alloc, byte[] data) {
        ByteBuf out = alloc.buffer(5 + data.length);
        out.writeByte(PASSWORD).writeInt(4 + data.length).writeBytes(data);
        return out;
    }

    public static ByteBuf query(ByteBufAllocator alloc, String sql) {
        ByteBuf out = alloc.buffer(6 + sql.length() * 3);
        writeQuery(out, sql);
        return out;
    }

    public static void writeQuery(ByteBuf out, String sql) {
        int len = beginMessage(out, QUERY);
        writeCString(out, sql);
        endMessage(out, len);
    }

    public static void writeSync(ByteBuf out) {
        out.writeByte(SYNC).writeInt(4);
    }

    public static ByteBuf terminate(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(5);
        out.writeByte(TERMINATE).writeInt(4);
        return out;
    }
}
