package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Splits a byte stream into typed messages (type byte + int32 length) without copying.
 *
 * <p>A message whose bytes are all in the current buffer is handed to the listener in place. A
 * message cut by the end of a buffer is either assembled in a small private buffer (when the
 * listener must see it whole, e.g. ReadyForQuery or ErrorResponse) or handed over in pieces as
 * its bytes arrive (e.g. a 500 MB DataRow), so the proxy never buffers a large message. This is the
 * only code that reads message lengths.
 *
 * <p>Not thread-safe: used by one connection direction on its event loop.
 */
public final class MessageFramer {

    /** Receives the framed messages. Buffers passed in are only valid during the call. */
    public interface Listener {
        /** Whether a message of this type must be delivered whole rather than in pieces. */
        boolean needsWhole(byte type);

        /**
         * A message, or the first piece of a message delivered in pieces: {@code buf[offset, offset+available)}
         * holds its bytes from the type byte on, and {@code length} is its full size (type byte included).
         *
         * @return false to stop before this message (allowed only for whole messages): it is not
         *         consumed and {@link #feed} returns its offset
         */
        boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length);

        /** A later piece of a message delivered in pieces; {@code remaining} bytes of it are still to come. */
        void onContinuation(ByteBuf buf, int offset, int length, int remaining);
    }

    private final int maxLength;
    /** An incomplete message that must be seen whole, or an incomplete header. Owned by the framer. */
    private ByteBuf partial;
    /** Bytes of the current piecewise message still to come. */
    private int remaining;
    private byte remainingType;

    /** @param maxLength the largest message accepted, type byte included */
    public MessageFramer(int maxLength) {
        this.maxLength = maxLength;
    }

    /**
     * Frames as much of {@code in} as possible without changing its indexes or reference count.
     *
     * @return where framing stopped: {@code in.writerIndex()} when everything was consumed
     * @throws ProtocolException on an invalid message length
     */
    public int feed(ByteBufAllocator alloc, ByteBuf in, Listener listener) {
        int pos = in.readerIndex();
        int end = in.writerIndex();
        if (remaining > 0) {
            int n = Math.min(remaining, end - pos);
            remaining -= n;
            listener.onContinuation(in, pos, n, remaining);
            pos += n;
            if (remaining > 0) {
                return end;
            }
        }
        if (partial != null) {
            pos = completePartial(alloc, in, pos, end, listener);
            if (pos < 0) {
                return end;
            }
            if (partial != null) {
                return pos; // a complete message the listener declined: delivered first next time
            }
        }
        while (end - pos >= MessageTypes.HEADER_LENGTH) {
            byte type = in.getByte(pos);
            int length = checkedLength(type, in.getInt(pos + 1));
            if (end - pos >= length) {
                if (!listener.onMessage(type, in, pos, length, length)) {
                    return pos;
                }
                pos += length;
            } else if (!listener.needsWhole(type)) {
                listener.onMessage(type, in, pos, end - pos, length);
                remaining = length - (end - pos);
                remainingType = type;
                return end;
            } else {
                break;
            }
        }
        if (pos < end) {
            int size = end - pos >= MessageTypes.HEADER_LENGTH
                    ? checkedLength(in.getByte(pos), in.getInt(pos + 1)) : 64;
            partial = alloc.buffer(size);
            partial.writeBytes(in, pos, end - pos);
        }
        return end;
    }

    /**
     * Moves bytes from {@code in} into {@link #partial} until it holds a whole message, then delivers it.
     * Returns the new position in {@code in}, or -1 when {@code in} was used up first.
     */
    private int completePartial(ByteBufAllocator alloc, ByteBuf in, int pos, int end, Listener listener) {
        ByteBuf p = partial;
        if (p.readableBytes() < MessageTypes.HEADER_LENGTH) {
            int n = Math.min(MessageTypes.HEADER_LENGTH - p.readableBytes(), end - pos);
            p.writeBytes(in, pos, n);
            pos += n;
            if (p.readableBytes() < MessageTypes.HEADER_LENGTH) {
                return -1;
            }
            byte type = p.getByte(p.readerIndex());
            int length = checkedLength(type, p.getInt(p.readerIndex() + 1));
            if (!listener.needsWhole(type) && length > MessageTypes.HEADER_LENGTH) {
                partial = null;
                try {
                    listener.onMessage(type, p, p.readerIndex(), MessageTypes.HEADER_LENGTH, length);
                } finally {
                    p.release();
                }
                remaining = length - MessageTypes.HEADER_LENGTH;
                remainingType = type;
                int n2 = Math.min(remaining, end - pos);
                remaining -= n2;
                listener.onContinuation(in, pos, n2, remaining);
                pos += n2;
                return remaining > 0 ? -1 : pos;
            }
            p.ensureWritable(length - p.readableBytes());
        }
        int length = p.getInt(p.readerIndex() + 1) + 1;
        int n = Math.min(length - p.readableBytes(), end - pos);
        p.writeBytes(in, pos, n);
        pos += n;
        if (p.readableBytes() < length) {
            return -1;
        }
        if (listener.onMessage(p.getByte(p.readerIndex()), p, p.readerIndex(), length, length) && partial == p) {
            // (a listener that called release() from the callback has already freed p)
            partial = null;
            p.release();
        }
        return pos;
    }

    private int checkedLength(byte type, int declared) {
        // declared counts itself but not the type byte; a negative int means > 2 GB
        if (declared < 4 || declared > maxLength - 1) {
            throw ProtocolException.violation("invalid message length");
        }
        return declared + 1;
    }

    /**
     * True when the listener declined a message that had to be assembled here: it is complete and
     * will be delivered first by the next {@link #feed} (which may be given an empty buffer).
     */
    public boolean holdsMessage() {
        ByteBuf p = partial;
        return p != null && p.readableBytes() >= MessageTypes.HEADER_LENGTH
                && p.readableBytes() == p.getInt(p.readerIndex() + 1) + 1;
    }

    /**
     * Hands over the complete message the listener declined ({@link #holdsMessage}), so the caller
     * can keep it with the bytes that follow it; null when there is none. The caller owns it.
     */
    public ByteBuf takeHeldMessage() {
        if (!holdsMessage()) {
            return null;
        }
        ByteBuf p = partial;
        partial = null;
        return p;
    }

    /** True while a message is half-received; a connection in this state is never reused. */
    public boolean inMessage() {
        return remaining > 0 || partial != null;
    }

    /** True while a message is being passed on in pieces: its receiver has seen only part of it. */
    public boolean inPiecewiseMessage() {
        return remaining > 0;
    }

    /** Type of the piecewise message still being received, meaningful while {@link #inMessage()}. */
    public byte continuingType() {
        return remainingType;
    }

    /**
     * Hands over whatever the framer holds of a message not yet delivered (an incomplete header or
     * message, or a declined one), so another reader can continue from it; null when there is none.
     * The caller owns it. Not for use while a message is being delivered in pieces.
     */
    public ByteBuf takePartial() {
        ByteBuf p = partial;
        partial = null;
        return p;
    }

    /** Frees the private buffer; call when the connection closes or from a listener's callback. */
    public void release() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        remaining = 0;
    }
}
