package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.ErrorFields;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.Wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's answer to an {@code all_shards} statement from every shard's answer: shard 0's
 * messages with each command tag's row count added up over the shards ({@code UPDATE 10000}), or,
 * when any shard failed, one error naming each failed shard and its error (the shards that
 * succeeded keep their changes: there is no atomicity across shards).
 */
public final class AllShardsResult {
    private AllShardsResult() {
    }

    /**
     * Takes one reference of every input message (each buffer one whole backend message, without
     * ReadyForQuery); returns buffers the caller owns.
     */
    public static List<ByteBuf> combine(ByteBufAllocator alloc, List<ScatterResult> results) {
        try {
            PgError failed = failures(results);
            if (failed != null) {
                return List.of(BackendMessages.errorResponse(alloc, failed));
            }
            List<ByteBuf> out = new ArrayList<>();
            List<ByteBuf> first = results.get(0).messages();
            int tagIndex = 0;
            for (ByteBuf m : first) {
                if (m.getByte(m.readerIndex()) == MessageTypes.COMMAND_COMPLETE) {
                    out.add(summedTag(alloc, results, tagIndex++));
                } else {
                    out.add(m.retain());
                }
            }
            return out;
        } finally {
            results.forEach(r -> r.messages().forEach(ByteBuf::release));
        }
    }

    private static PgError failures(List<ScatterResult> results) {
        StringBuilder message = new StringBuilder();
        List<String> succeeded = new ArrayList<>();
        PgError first = null;
        for (ScatterResult r : results) {
            PgError e = null;
            for (ByteBuf m : r.messages()) {
                if (m.getByte(m.readerIndex()) == MessageTypes.ERROR_RESPONSE) {
                    e = ErrorFields.parse(m, m.readerIndex(), m.readableBytes());
                    break;
                }
            }
            if (e == null) {
                succeeded.add(r.shard());
                continue;
            }
            first = first == null ? e : first;
            message.append(message.length() == 0 ? "all_shards statement failed on " : "; ")
                    .append(r.shard()).append(": ").append(e.message());
        }
        if (first == null) {
            return null;
        }
        PgError out = PgError.error(first.code(), message.toString());
        return succeeded.isEmpty() ? out
                : out.withDetail("it succeeded on " + String.join(", ", succeeded) + ", which keep its effects");
    }

    /** CommandComplete number {@code index} of shard 0, its trailing row count summed over the shards. */
    private static ByteBuf summedTag(ByteBufAllocator alloc, List<ScatterResult> results, int index) {
        String tag = tagAt(results.get(0).messages(), index);
        int space = tag.lastIndexOf(' ');
        String out = tag;
        if (space > 0 && isCount(tag.substring(space + 1))) {
            long sum = 0;
            for (ScatterResult r : results) {
                String t = tagAt(r.messages(), index);
                int sp = t == null ? -1 : t.lastIndexOf(' ');
                if (sp > 0 && isCount(t.substring(sp + 1))) {
                    sum += Long.parseLong(t.substring(sp + 1));
                }
            }
            out = tag.substring(0, space + 1) + sum;
        }
        ByteBuf buf = alloc.buffer(8 + out.length());
        BackendMessages.writeCommandComplete(buf, out);
        return buf;
    }

    private static String tagAt(List<ByteBuf> messages, int index) {
        int seen = 0;
        for (ByteBuf m : messages) {
            if (m.getByte(m.readerIndex()) == MessageTypes.COMMAND_COMPLETE && seen++ == index) {
                return Wire.readCString(m, m.readerIndex() + MessageTypes.HEADER_LENGTH, m.writerIndex());
            }
        }
        return null;
    }

    private static boolean isCount(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
