package io.pgmux.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.pgmux.protocol.Wire.beginMessage;
import static io.pgmux.protocol.Wire.endMessage;
import static io.pgmux.protocol.Wire.writeCString;

/**
 * A named statement as a client prepared it (query text and parameter types), under the name pgmux
 * gives it on servers. The server name depends only on the statement, so a server connection that
 * prepared it for one client serves every client that prepares the same text.
 */
public final class PreparedStatement {
    private static final String PREFIX = "pgmux_";

    /** The Parse message after the statement name: {@code query\0 int16 n int32[n]}. */
    private final byte[] body;
    private final String serverName;
    private final byte[] serverNameBytes;
    /** Whether read/write splitting found it a harmless SELECT; null until asked (benign race: same answer). */
    private Boolean readOnly;

    private PreparedStatement(byte[] body) {
        this.body = body;
        this.serverName = PREFIX + hex16(hash(body));
        this.serverNameBytes = (serverName + '\0').getBytes(StandardCharsets.US_ASCII);
    }

    /** From a client's Parse: {@code buf[bodyStart, end)} is everything after the statement name. */
    public static PreparedStatement fromParse(ByteBuf buf, int bodyStart, int end) {
        byte[] body = new byte[end - bodyStart];
        buf.getBytes(bodyStart, body);
        return new PreparedStatement(body);
    }

    /** The name this statement has on servers. */
    public String serverName() {
        return serverName;
    }

    /** The server name as a NUL-terminated C string, ready to write. */
    public byte[] serverNameCString() {
        return serverNameBytes;
    }

    /** Same text and parameter types: one may stand for the other on a server. */
    public boolean sameAs(PreparedStatement other) {
        return other == this || Arrays.equals(body, other.body);
    }

    /** A Parse message preparing this statement under its server name. */
    public ByteBuf parseMessage(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(5 + serverNameBytes.length + body.length);
        int len = beginMessage(out, io.pgmux.protocol.MessageTypes.PARSE);
        out.writeBytes(serverNameBytes);
        out.writeBytes(body);
        endMessage(out, len);
        return out;
    }

    /** An unnamed-statement Parse of this statement, its query text replaced by {@code query} when not null. */
    public ByteBuf unnamedParseMessage(ByteBufAllocator alloc, String query) {
        int queryEnd = 0;
        while (body[queryEnd] != 0) {
            queryEnd++;
        }
        byte[] text = query == null ? null : query.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = alloc.buffer(6 + body.length + (text == null ? 0 : text.length));
        int len = beginMessage(out, io.pgmux.protocol.MessageTypes.PARSE);
        out.writeByte(0);
        if (text == null) {
            out.writeBytes(body);
        } else {
            out.writeBytes(text);
            out.writeBytes(body, queryEnd, body.length - queryEnd); // the NUL, then parameter types
        }
        endMessage(out, len);
        return out;
    }

    /** A Close message dropping the statement named {@code serverName} on a server. */
    public static ByteBuf closeMessage(ByteBufAllocator alloc, String serverName) {
        ByteBuf out = alloc.buffer(8 + serverName.length());
        int len = beginMessage(out, io.pgmux.protocol.MessageTypes.CLOSE);
        out.writeByte('S');
        writeCString(out, serverName);
        endMessage(out, len);
        return out;
    }

    /** The query text, for the admin console and logs. */
    public String query() {
        int nul = 0;
        while (nul < body.length && body[nul] != 0) {
            nul++;
        }
        return new String(body, 0, nul, StandardCharsets.UTF_8);
    }

    /** The read/write splitting verdict kept for this statement, or null when not classified yet. */
    public Boolean readOnly() {
        return readOnly;
    }

    public void readOnly(boolean verdict) {
        this.readOnly = verdict;
    }

    public int size() {
        return body.length;
    }

    // FNV-1a, then a 64-bit finalizer; a collision is harmless (see ServerStatements#add), only slower
    /** {@code String.format("%016x", h)} without a Formatter: a Parse of a named statement makes one. */
    private static String hex16(long h) {
        byte[] c = new byte[16];
        for (int i = 15; i >= 0; i--) {
            c[i] = (byte) "0123456789abcdef".charAt((int) (h & 0xf));
            h >>>= 4;
        }
        return new String(c, StandardCharsets.US_ASCII);
    }

    private static long hash(byte[] b) {
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    @Override
    public String toString() {
        return serverName;
    }
}
