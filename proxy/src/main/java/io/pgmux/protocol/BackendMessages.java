package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.List;
import java.util.Map;

import static io.pgmux.protocol.MessageTypes.*;
import static io.pgmux.protocol.Wire.beginMessage;
import static io.pgmux.protocol.Wire.endMessage;
import static io.pgmux.protocol.Wire.writeCString;

/** Writers for the backend messages pgmux originates towards its clients. */
public final class BackendMessages {
    private BackendMessages() {
    }

    public static final int AUTH_OK = 0;
    public static final int AUTH_CLEARTEXT = 3;
    public static final int AUTH_MD5 = 5;
    public static final int AUTH_SASL = 10;
    public static final int AUTH_SASL_CONTINUE = 11;
    public static final int AUTH_SASL_FINAL = 12;

    public static ByteBuf errorResponse(ByteBufAllocator alloc, PgError error) {
        return fields(alloc, ERROR_RESPONSE, error);
    }

    public static ByteBuf noticeResponse(ByteBufAllocator alloc, PgError notice) {
        return fields(alloc, NOTICE_RESPONSE, notice);
    }

    // 'E'|'N' int32 len { byte field-type, cstring value }* byte 0
    private static ByteBuf fields(ByteBufAllocator alloc, byte type, PgError e) {
        ByteBuf out = alloc.buffer(64 + e.message().length() * 2);
        int len = beginMessage(out, type);
        field(out, 'S', e.severity());
        field(out, 'V', e.severity());
        field(out, 'C', e.code());
        field(out, 'M', e.message());
        if (e.detail() != null) {
            field(out, 'D', e.detail());
        }
        if (e.hint() != null) {
            field(out, 'H', e.hint());
        }
        out.writeByte(0);
        endMessage(out, len);
        return out;
    }

    private static void field(ByteBuf out, char code, String value) {
        out.writeByte(code);
        writeCString(out, value);
    }

    public static ByteBuf authentication(ByteBufAllocator alloc, int code) {
        ByteBuf out = alloc.buffer(9);
        out.writeByte(AUTHENTICATION).writeInt(8).writeInt(code);
        return out;
    }

    public static ByteBuf authenticationMd5(ByteBufAllocator alloc, byte[] salt) {
        ByteBuf out = alloc.buffer(13);
        out.writeByte(AUTHENTICATION).writeInt(12).writeInt(AUTH_MD5).writeBytes(salt, 0, 4);
        return out;
    }

    public static ByteBuf authenticationSasl(ByteBufAllocator alloc, List<String> mechanisms) {
        ByteBuf out = alloc.buffer(32);
        int len = beginMessage(out, AUTHENTICATION);
        out.writeInt(AUTH_SASL);
        for (String m : mechanisms) {
            writeCString(out, m);
        }
        out.writeByte(0);
        endMessage(out, len);
        return out;
    }

    /** SASLContinue (11) or SASLFinal (12) carrying mechanism data. */
    public static ByteBuf authenticationSaslData(ByteBufAllocator alloc, int code, byte[] data) {
        ByteBuf out = alloc.buffer(9 + data.length);
        out.writeByte(AUTHENTICATION).writeInt(8 + data.length).writeInt(code).writeBytes(data);
        return out;
    }

    public static void writeParameterStatus(ByteBuf out, String name, String value) {
        int len = beginMessage(out, PARAMETER_STATUS);
        writeCString(out, name);
        writeCString(out, value);
        endMessage(out, len);
    }

    public static ByteBuf parameterStatus(ByteBufAllocator alloc, String name, String value) {
        ByteBuf out = alloc.buffer(8 + name.length() + value.length());
        writeParameterStatus(out, name, value);
        return out;
    }

    /** The whole login tail in one buffer: ParameterStatus*, BackendKeyData, ReadyForQuery('I'). */
    public static ByteBuf welcome(ByteBufAllocator alloc, Map<String, String> params, int pid, int secret) {
        ByteBuf out = alloc.buffer(512);
        params.forEach((k, v) -> writeParameterStatus(out, k, v));
        out.writeByte(BACKEND_KEY_DATA).writeInt(12).writeInt(pid).writeInt(secret);
        out.writeByte(READY_FOR_QUERY).writeInt(5).writeByte('I');
        return out;
    }

    public static ByteBuf readyForQuery(ByteBufAllocator alloc, byte status) {
        ByteBuf out = alloc.buffer(6);
        out.writeByte(READY_FOR_QUERY).writeInt(5).writeByte(status);
        return out;
    }

    /** A bodiless message such as ParseComplete, BindComplete, CloseComplete, NoData, EmptyQueryResponse. */
    public static ByteBuf empty(ByteBufAllocator alloc, byte type) {
        ByteBuf out = alloc.buffer(5);
        out.writeByte(type).writeInt(4);
        return out;
    }

    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, int newestMinor, List<String> unrecognized) {
        ByteBuf out = alloc.buffer(32);
        int len = beginMessage(out, NEGOTIATE_PROTOCOL_VERSION);
        out.writeInt(newestMinor);
        out.writeInt(unrecognized.size());
        unrecognized.forEach(o -> writeCString(out, o));
        endMessage(out, len);
        return out;
    }

    /** RowDescription with every column typed text (OID 25), as the admin console answers. */
    public static void writeRowDescription(ByteBuf out, List<String> columns) {
        int len = beginMessage(out, ROW_DESCRIPTION);
        out.writeShort(columns.size());
        for (String c : columns) {
            writeCString(out, c);
            out.writeInt(0).writeShort(0); // table OID, column number
            out.writeInt(25).writeShort(-1).writeInt(-1); // type text, varlena, no modifier
            out.writeShort(0); // text format
        }
        endMessage(out, len);
    }

    /** DataRow of text values; a null element is SQL NULL. */
    public static void writeDataRow(ByteBuf out, List<String> values) {
        int len = beginMessage(out, DATA_ROW);
        out.writeShort(values.size());
        for (String v : values) {
            if (v == null) {
                out.writeInt(-1);
            } else {
                int at = out.writerIndex();
                out.writeInt(0);
                int n = io.netty.buffer.ByteBufUtil.writeUtf8(out, v);
                out.setInt(at, n);
            }
        }
        endMessage(out, len);
    }

    public static void writeCommandComplete(ByteBuf out, String tag) {
        int len = beginMessage(out, COMMAND_COMPLETE);
        writeCString(out, tag);
        endMessage(out, len);
    }
}
