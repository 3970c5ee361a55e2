package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.protocol.Wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.pgmux.protocol.MessageTypes.BIND;
import static io.pgmux.protocol.MessageTypes.DESCRIBE;
import static io.pgmux.protocol.MessageTypes.EXECUTE;
import static io.pgmux.protocol.MessageTypes.HEADER_LENGTH;
import static io.pgmux.protocol.MessageTypes.PARSE;
import static io.pgmux.protocol.MessageTypes.QUERY;

/**
 * The bytes a scatter sends to every shard: the client's batch, with the query text the planner
 * chose ({@code LIMIT n OFFSET m} asks each shard for {@code n + m} rows), and named prepared
 * statements turned into the unnamed one. The shards' connections are borrowed for one batch and
 * must not keep the client's statements: a named Parse is recorded for the client (as pgmux does
 * for a Parse it answers without a server) and sent unnamed; a Bind of a named statement gets an
 * unnamed Parse of it ahead of it, whose ParseComplete the client must not see
 * ({@link #synthetic}).
 *
 * @param bytes     what to send each shard (owned by the caller)
 * @param synthetic for each Parse sent, in order: true when pgmux added it (its answer is dropped)
 * @param syntheticDescribe pgmux added a Describe of the portal (the merge needs the columns' types;
 *                          a driver that knows them skips it): the RowDescription is not the client's
 */
record ScatterBatch(ByteBuf bytes, List<Boolean> synthetic, boolean syntheticDescribe) {

    /**
     * The batch {@code buf[offset, end)} for the shards; {@code sql} (null: unchanged) replaces
     * the statement's text. Returns null when a Bind names a statement the client never prepared
     * (the server's error then comes from shard 0 by the normal path).
     */
    static ScatterBatch of(ByteBufAllocator alloc, ByteBuf buf, int offset, int end, String sql,
                           StatementRewriter rewriter) {
        ByteBuf out = alloc.buffer(end - offset + (sql == null ? 0 : sql.length() * 3) + 64);
        List<Boolean> synthetic = new ArrayList<>();
        boolean unnamedPrepared = false;
        boolean described = false;
        boolean addedDescribe = false;
        String text = sql; // replaces the first statement's text only
        int pos = offset;
        while (pos < end) {
            byte type = buf.getByte(pos);
            int length = buf.getInt(pos + 1) + 1;
            int body = pos + HEADER_LENGTH;
            int msgEnd = pos + length;
            if (type == QUERY) {
                writeQuery(out, buf, pos, length, text);
                text = null;
            } else if (type == PARSE) {
                int nameEnd = Wire.cStringEnd(buf, body, msgEnd);
                if (nameEnd > body && rewriter != null) {
                    rewriter.parseWithoutServer(buf, pos, length); // the client's name, for its later Binds
                }
                out.writeByte(PARSE).writeInt(0).writeByte(0); // unnamed; length patched below
                int start = out.writerIndex() - 6;
                int textEnd = Wire.cStringEnd(buf, nameEnd + 1, msgEnd);
                writeText(out, buf, nameEnd + 1, textEnd, text);
                text = null;
                out.writeBytes(buf, textEnd, msgEnd - textEnd);
                out.setInt(start + 1, out.writerIndex() - start - 1);
                synthetic.add(false);
                unnamedPrepared = true;
            } else if (type == BIND) {
                int portalEnd = Wire.cStringEnd(buf, body, msgEnd);
                int nameEnd = Wire.cStringEnd(buf, portalEnd + 1, msgEnd);
                if (nameEnd > portalEnd + 1) {
                    String name = buf.toString(portalEnd + 1, nameEnd - portalEnd - 1, StandardCharsets.UTF_8);
                    PreparedStatement s = rewriter == null ? null : rewriter.statements().get(name);
                    if (s == null) {
                        out.release();
                        return null;
                    }
                    if (!unnamedPrepared) {
                        ByteBuf parse = s.unnamedParseMessage(alloc, text);
                        text = null;
                        out.writeBytes(parse);
                        parse.release();
                        synthetic.add(true);
                        unnamedPrepared = true;
                    }
                    // the same Bind, naming the unnamed statement
                    out.writeByte(BIND).writeInt(length - 1 - (nameEnd - portalEnd - 1));
                    out.writeBytes(buf, body, portalEnd + 1 - body);
                    out.writeBytes(buf, nameEnd, msgEnd - nameEnd);
                } else {
                    out.writeBytes(buf, pos, length);
                }
            } else if (type == DESCRIBE && buf.getByte(body) == 'S' && length > 7) {
                out.writeByte(DESCRIBE).writeInt(6).writeByte('S').writeByte(0); // the unnamed statement
            } else if (type == EXECUTE && !described) {
                int portalEnd = Wire.cStringEnd(buf, body, msgEnd);
                out.writeByte(DESCRIBE).writeInt(4 + 1 + portalEnd + 1 - body).writeByte('P');
                out.writeBytes(buf, body, portalEnd + 1 - body);
                addedDescribe = true;
                described = true;
                out.writeBytes(buf, pos, length);
            } else {
                if (type == DESCRIBE) {
                    described = true;
                }
                out.writeBytes(buf, pos, length);
            }
            pos = msgEnd;
        }
        return new ScatterBatch(out, List.copyOf(synthetic), addedDescribe);
    }

    /** The Query at {@code pos}, or a Query of {@code sql} in its place. */
    private static void writeQuery(ByteBuf out, ByteBuf buf, int pos, int length, String sql) {
        if (sql == null) {
            out.writeBytes(buf, pos, length);
            return;
        }
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        out.writeByte(QUERY).writeInt(4 + text.length + 1).writeBytes(text).writeByte(0);
    }

    private static void writeText(ByteBuf out, ByteBuf buf, int from, int to, String sql) {
        if (sql == null) {
            out.writeBytes(buf, from, to - from);
        } else {
            out.writeBytes(sql.getBytes(StandardCharsets.UTF_8));
        }
    }
}
