package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the untyped startup packets ({@code int32 length, int32 code, ...}) into {@link StartupPacket}s.
 * A bad packet becomes one {@link StartupPacket.Invalid} and every later byte is discarded, so a
 * hostile client costs one log line, not one exception per byte. The login handler removes this
 * decoder once the StartupMessage has arrived; bytes already buffered then flow to the next handler.
 */
public final class StartupPacketDecoder extends ByteToMessageDecoder {
    private boolean failed;

    /**
     * True when bytes beyond the packets handed on are buffered. Called while the login handler
     * answers an SSLRequest: a client must wait for the answer, so anything already here was sent
     * in plain text before TLS and must not be read as if it came over it (CVE-2021-23214).
     */
    public boolean hasBufferedBytes() {
        return internalBuffer().isReadable();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < 4) {
            return;
        }
        int start = in.readerIndex();
        int length = in.getInt(start);
        if (length < 8 || length > StartupCodes.MAX_STARTUP_PACKET_LENGTH) {
            fail(in, out, "invalid length of startup packet");
            return;
        }
        if (in.readableBytes() < length) {
            return;
        }
        int code = in.getInt(start + 4);
        StartupPacket packet = decodePacket(in, start, length, code);
        in.readerIndex(start + length);
        if (packet instanceof StartupPacket.Invalid) {
            failed = true;
            in.skipBytes(in.readableBytes());
        }
        out.add(packet);
    }

    private void fail(ByteBuf in, List<Object> out, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(new StartupPacket.Invalid(PgError.fatal(SqlState.PROTOCOL_VIOLATION, message)));
    }

    static StartupPacket decodePacket(ByteBuf in, int start, int length, int code) {
        switch (code) {
            case StartupCodes.SSL_REQUEST:
                return length == 8 ? new StartupPacket.SslRequest() : invalid("invalid length of startup packet");
            case StartupCodes.GSSENC_REQUEST:
                return length == 8 ? new StartupPacket.GssEncRequest() : invalid("invalid length of startup packet");
            case StartupCodes.CANCEL_REQUEST:
                // protocol 3.0 keys are 4 bytes; longer (3.2) keys are never issued by pgmux
                return length == 16
                        ? new StartupPacket.CancelRequest(in.getInt(start + 8), in.getInt(start + 12))
                        : invalid("invalid length of cancel request packet");
            default:
                return decodeStartupMessage(in, start, length, code);
        }
    }

    private static StartupPacket decodeStartupMessage(ByteBuf in, int start, int length, int version) {
        int major = version >>> 16;
        int minor = version & 0xffff;
        if (major != 3) {
            // PostgreSQL's wording; the SQLSTATE is 08P01 as for every malformed startup packet, and
            // a client older than 3.0 is answered in its own format
            return new StartupPacket.Invalid(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                    String.format("unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", major, minor)), major < 3);
        }
        int end = start + length;
        if (in.getByte(end - 1) != 0) {
            return invalid("invalid startup packet layout: expected terminator as last byte");
        }
        Map<String, String> params = new LinkedHashMap<>();
        List<String> protocolOptions = new ArrayList<>();
        int pos = start + 8;
        while (pos < end - 1) {
            int keyEnd = Wire.cStringEnd(in, pos, end);
            if (keyEnd < 0 || keyEnd + 1 >= end) {
                return invalid("invalid startup packet layout: expected terminator as last byte");
            }
            int valueEnd = Wire.cStringEnd(in, keyEnd + 1, end);
            if (valueEnd < 0) {
                return invalid("invalid startup packet layout: expected terminator as last byte");
            }
            String key = in.toString(pos, keyEnd - pos, StandardCharsets.UTF_8);
            String value = in.toString(keyEnd + 1, valueEnd - keyEnd - 1, StandardCharsets.UTF_8);
            if (key.startsWith("_pq_.")) {
                protocolOptions.add(key);
            } else {
                params.put(key, value);
            }
            pos = valueEnd + 1;
        }
        return new StartupPacket.StartupMessage(minor, params, protocolOptions);
    }

    private static StartupPacket.Invalid invalid(String message) {
        return new StartupPacket.Invalid(PgError.fatal(SqlState.PROTOCOL_VIOLATION, message));
    }
}
