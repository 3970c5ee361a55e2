package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Gathers consecutive forwarded messages into one retained slice per run, so a buffer holding a
 * hundred DataRows costs one write, not a hundred. The run keeps its buffer alive (one reference)
 * until written: a message may sit in the framer's assembly buffer, which the framer frees as soon
 * as the message has been handed over.
 */
final class RunWriter {
    private ByteBuf buf;
    private int start;
    private int end;

    /** Adds {@code from[offset, offset+length)} to the run, writing the current run first if not contiguous. */
    void add(Channel out, ByteBuf from, int offset, int length) {
        if (buf == from && end == offset) {
            end += length;
            return;
        }
        writeTo(out);
        buf = from.retain();
        start = offset;
        end = offset + length;
    }

    /** Writes the pending run (unflushed); returns true if there was one. */
    boolean writeTo(Channel out) {
        ByteBuf b = buf;
        if (b == null) {
            return false;
        }
        buf = null;
        // the slice takes over the reference the run held
        out.write(b.slice(start, end - start), out.voidPromise());
        return true;
    }

    boolean isEmpty() {
        return buf == null;
    }

    /** Forgets the pending run without writing it (the destination is gone). */
    void discard() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
