package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the typed-message framer that every client and server byte goes through after login:
 * random streams of messages of random types and sizes, cut into random pieces, with a listener
 * that takes some types whole and others in pieces and sometimes declines a message (as the
 * session does while it waits for a server). The messages delivered must be exactly those sent, in
 * order; a stream with one length field made invalid must fail with a ProtocolException (08P01)
 * after delivering the messages before it, never another exception; and every buffer the framer
 * allocated must be released. Seeded; {@code -Dfuzz.cases=N} and {@code -Dfuzz.seed=S} as for
 * {@code LoginFuzzTest} (the case count here is a fifth of that).
 */
class MessageFramerFuzzTest {
    private static final int CASES = Integer.getInteger("fuzz.cases", 20_000) / 5;
    private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
    private static final int MAX = 64 * 1024;

    @Test
    void randomStreamsInRandomPieces() {
        Random rnd = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            long caseSeed = rnd.nextLong();
            runCase("case " + i + " (seed " + caseSeed + ")", new Random(caseSeed));
        }
    }

    private static void runCase(String label, Random r) {
        List<byte[]> messages = new ArrayList<>();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            int len = r.nextInt(8) == 0 ? r.nextInt(6000) : r.nextInt(40);
            byte[] m = new byte[5 + len];
            r.nextBytes(m);
            m[0] = (byte) "QPBEDSCHXpdcfF".charAt(r.nextInt(14));
            Unpooled.wrappedBuffer(m).setInt(1, 4 + len);
            messages.add(m);
        }
        int bad = n > 0 && r.nextInt(4) == 0 ? r.nextInt(n) : -1;
        if (bad >= 0) {
            int[] lengths = {0, 1, 3, -1, Integer.MIN_VALUE, MAX, Integer.MAX_VALUE};
            Unpooled.wrappedBuffer(messages.get(bad)).setInt(1, lengths[r.nextInt(lengths.length)]);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        messages.forEach(all::writeBytes);
        byte[] stream = all.toByteArray();

        TrackingAllocator alloc = new TrackingAllocator();
        MessageFramer framer = new MessageFramer(MAX);
        Collector c = new Collector(r, (byte) r.nextInt(256));
        ProtocolException failure = null;
        ByteBuf carry = Unpooled.EMPTY_BUFFER;
        try {
            int pos = 0;
            while (pos < stream.length || carry.isReadable() || framer.holdsMessage()) {
                int k = pos == stream.length ? 0 : 1 + r.nextInt(Math.min(stream.length - pos, r.nextBoolean() ? 7 : 3000));
                ByteBuf in = Unpooled.buffer().writeBytes(carry).writeBytes(stream, pos, k);
                carry.release();
                carry = Unpooled.EMPTY_BUFFER;
                pos += k;
                try {
                    int stop = framer.feed(alloc, in, c);
                    carry = in.copy(stop, in.writerIndex() - stop);
                } finally {
                    in.release();
                }
            }
        } catch (ProtocolException e) {
            failure = e;
        } catch (RuntimeException e) {
            throw new AssertionError(label + ": " + e + " on " + HexFormat.of().formatHex(stream, 0,
                    Math.min(stream.length, 500)), e);
        } finally {
            carry.release();
            framer.release();
        }
        List<String> expected = messages.stream().map(m -> ByteBufUtil.hexDump(m)).toList();
        if (bad >= 0) {
            assertTrue(failure != null, label + ": an invalid length must be refused");
            assertEquals("08P01", failure.error().code(), label);
            assertTrue(c.delivered.size() <= bad, label + ": nothing delivered from the bad message on");
            assertEquals(expected.subList(0, c.delivered.size()), c.delivered, label + ": the messages before it");
        } else {
            assertEquals(null, failure, label);
            assertEquals(expected, c.delivered, label + ": every message, once, in order");
        }
        assertFalse(framer.inMessage(), label);
        assertEquals(0, alloc.held(), label + ": buffers the framer allocated are released");
    }

    /** Takes types below a threshold whole, the others in pieces; declines a whole message now and then. */
    private static final class Collector implements MessageFramer.Listener {
        final List<String> delivered = new ArrayList<>();
        private final Random r;
        private final byte wholeBelow;
        private ByteArrayOutputStream piece;
        private int declinedAt = -1;

        Collector(Random r, byte wholeBelow) {
            this.r = r;
            this.wholeBelow = wholeBelow;
        }

        @Override
        public boolean needsWhole(byte type) {
            return (type & 0xff) < (wholeBelow & 0xff);
        }

        @Override
        public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
            assertEquals(null, piece, "a message starts while another is still in pieces");
            assertTrue(available > 0 && available <= length, "available " + available + " of " + length);
            if (available == length) {
                if (declinedAt != delivered.size() && r.nextInt(8) == 0) {
                    declinedAt = delivered.size();
                    return false;
                }
                delivered.add(ByteBufUtil.hexDump(buf, offset, length));
                return true;
            }
            assertFalse(needsWhole(type), "a message that must be whole came in pieces");
            piece = new ByteArrayOutputStream();
            piece.write(bytes(buf, offset, available), 0, available);
            return true;
        }

        @Override
        public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            assertTrue(piece != null, "a continuation without a start");
            piece.write(bytes(buf, offset, length), 0, length);
            if (remaining == 0) {
                delivered.add(HexFormat.of().formatHex(piece.toByteArray()));
                piece = null;
            }
        }

        private static byte[] bytes(ByteBuf buf, int offset, int length) {
            byte[] b = new byte[length];
            buf.getBytes(offset, b);
            return b;
        }
    }
}
