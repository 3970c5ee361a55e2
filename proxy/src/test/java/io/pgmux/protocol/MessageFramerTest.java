package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageFramerTest {

    /** Records what the framer delivers, as hex, so splits can be compared with the whole stream. */
    static final class Recorder implements MessageFramer.Listener {
        final List<String> whole = new ArrayList<>();
        final StringBuilder streamed = new StringBuilder();
        final String streamTypes;
        int stopBeforeIndex = -1;

        Recorder(String streamTypes) {
            this.streamTypes = streamTypes;
        }

        @Override
        public boolean needsWhole(byte type) {
            return streamTypes.indexOf(type) < 0;
        }

        @Override
        public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
            if (whole.size() == stopBeforeIndex) {
                stopBeforeIndex = -1;
                return false;
            }
            if (available == length && needsWhole(type)) {
                whole.add(ByteBufUtil.hexDump(buf, offset, length));
            } else {
                whole.add("stream:" + (char) type + ":" + length);
                streamed.append(ByteBufUtil.hexDump(buf, offset, available));
            }
            return true;
        }

        @Override
        public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            streamed.append(ByteBufUtil.hexDump(buf, offset, length));
        }
    }

    private static ByteBuf stream() {
        ByteBuf b = Unpooled.buffer();
        b.writeByte('T').writeInt(6).writeShort(0);                       // RowDescription, no columns
        b.writeByte('D').writeInt(4 + 2 + 4 + 300).writeShort(1).writeInt(300).writeZero(300); // big DataRow
        b.writeByte('C').writeInt(4 + 9).writeBytes("SELECT 1\0".getBytes());
        b.writeByte('Z').writeInt(5).writeByte('I');
        return b;
    }

    @Test
    void deliversMessagesInPlaceWhenWhole() {
        ByteBuf in = stream();
        Recorder r = new Recorder("");
        MessageFramer f = new MessageFramer(1 << 20);
        assertEquals(in.writerIndex(), f.feed(UnpooledByteBufAllocator.DEFAULT, in, r));
        assertEquals(4, r.whole.size());
        assertEquals("5a0000000549", r.whole.get(3));
        assertFalse(f.inMessage());
        in.release();
    }

    @Test
    void everySplitPointYieldsTheSameMessages() {
        ByteBuf all = stream();
        Recorder reference = new Recorder("");
        new MessageFramer(1 << 20).feed(UnpooledByteBufAllocator.DEFAULT, all, reference);
        for (int split = 1; split < all.writerIndex(); split++) {
            Recorder r = new Recorder("");
            MessageFramer f = new MessageFramer(1 << 20);
            ByteBuf a = all.retainedSlice(0, split);
            ByteBuf b = all.retainedSlice(split, all.writerIndex() - split);
            f.feed(UnpooledByteBufAllocator.DEFAULT, a, r);
            f.feed(UnpooledByteBufAllocator.DEFAULT, b, r);
            a.release();
            b.release();
            assertEquals(reference.whole, r.whole, "split at " + split);
            assertFalse(f.inMessage());
        }
        all.release();
    }

    @Test
    void streamsLargeMessagesInPiecesAtEverySplit() {
        ByteBuf all = stream();
        String dataRowHex = ByteBufUtil.hexDump(all, 7, 1 + 4 + 2 + 4 + 300);
        for (int split = 1; split < all.writerIndex(); split++) {
            Recorder r = new Recorder("D");
            MessageFramer f = new MessageFramer(1 << 20);
            ByteBuf a = all.retainedSlice(0, split);
            ByteBuf b = all.retainedSlice(split, all.writerIndex() - split);
            f.feed(UnpooledByteBufAllocator.DEFAULT, a, r);
            f.feed(UnpooledByteBufAllocator.DEFAULT, b, r);
            a.release();
            b.release();
            assertEquals(dataRowHex, r.streamed.toString(), "split at " + split);
            assertEquals("5a0000000549", r.whole.get(r.whole.size() - 1), "split at " + split);
            assertEquals(4, r.whole.size());
        }
        all.release();
    }

    @Test
    void byteByByte() {
        ByteBuf all = stream();
        Recorder r = new Recorder("D");
        MessageFramer f = new MessageFramer(1 << 20);
        for (int i = 0; i < all.writerIndex(); i++) {
            ByteBuf one = all.retainedSlice(i, 1);
            f.feed(UnpooledByteBufAllocator.DEFAULT, one, r);
            one.release();
        }
        assertEquals(4, r.whole.size());
        assertEquals(ByteBufUtil.hexDump(all, 7, 311), r.streamed.toString());
        all.release();
    }

    @Test
    void stopLeavesTheMessageUnconsumedAndDeliversItNextTime() {
        ByteBuf all = stream();
        Recorder r = new Recorder("");
        r.stopBeforeIndex = 2;
        MessageFramer f = new MessageFramer(1 << 20);
        int stop = f.feed(UnpooledByteBufAllocator.DEFAULT, all, r);
        assertEquals(7 + 311, stop);
        assertEquals(2, r.whole.size());
        ByteBuf rest = all.retainedSlice(stop, all.writerIndex() - stop);
        assertEquals(rest.writerIndex(), f.feed(UnpooledByteBufAllocator.DEFAULT, rest, r));
        assertEquals(4, r.whole.size());
        rest.release();
        all.release();
    }

    @Test
    void stopOnAnAssembledMessageKeepsItForTheNextFeed() {
        ByteBuf all = stream();
        int zAt = all.writerIndex() - 6;
        Recorder r = new Recorder("");
        MessageFramer f = new MessageFramer(1 << 20);
        ByteBuf a = all.retainedSlice(0, zAt + 2);
        f.feed(UnpooledByteBufAllocator.DEFAULT, a, r);
        a.release();
        r.stopBeforeIndex = 3;
        ByteBuf b = all.retainedSlice(zAt + 2, 4);
        assertEquals(4, f.feed(UnpooledByteBufAllocator.DEFAULT, b, r), "its bytes are consumed into the framer");
        assertEquals(3, r.whole.size());
        assertTrue(f.holdsMessage(), "the declined message is held, complete");
        ByteBuf empty = Unpooled.EMPTY_BUFFER;
        f.feed(UnpooledByteBufAllocator.DEFAULT, empty, r);
        assertEquals(4, r.whole.size());
        assertFalse(f.inMessage());
        b.release();
        all.release();
    }

    @Test
    void anAssembledMessageDeclinedCanBeTakenOut() {
        ByteBuf all = stream();
        int zAt = all.writerIndex() - 6;
        Recorder r = new Recorder("");
        MessageFramer f = new MessageFramer(1 << 20);
        assertNull(f.takeHeldMessage(), "nothing held");
        ByteBuf a = all.retainedSlice(0, zAt + 2);
        f.feed(UnpooledByteBufAllocator.DEFAULT, a, r);
        a.release();
        assertNull(f.takeHeldMessage(), "half a message is not a held one");
        r.stopBeforeIndex = 3;
        ByteBuf b = all.retainedSlice(zAt + 2, 4);
        f.feed(UnpooledByteBufAllocator.DEFAULT, b, r);
        ByteBuf held = f.takeHeldMessage();
        assertEquals(all.slice(zAt, 6), held, "the whole ReadyForQuery, type byte on");
        assertFalse(f.inMessage(), "the framer let go of it");
        held.release();
        b.release();
        all.release();
    }

    @Test
    void rejectsInvalidLengths() {
        MessageFramer f = new MessageFramer(1000);
        ByteBuf tooShort = Unpooled.buffer().writeByte('Q').writeInt(3);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> f.feed(UnpooledByteBufAllocator.DEFAULT, tooShort, new Recorder("")));
        assertEquals("08P01", e.error().code());
        assertEquals("invalid message length", e.error().message());
        ByteBuf tooLong = Unpooled.buffer().writeByte('Q').writeInt(1000);
        assertThrows(ProtocolException.class,
                () -> new MessageFramer(1000).feed(UnpooledByteBufAllocator.DEFAULT, tooLong, new Recorder("")));
        ByteBuf negative = Unpooled.buffer().writeByte('Q').writeInt(-5);
        assertThrows(ProtocolException.class,
                () -> new MessageFramer(1000).feed(UnpooledByteBufAllocator.DEFAULT, negative, new Recorder("")));
        tooShort.release();
        tooLong.release();
        negative.release();
    }

    @Test
    void releaseFreesThePartialBuffer() {
        ByteBuf all = stream();
        MessageFramer f = new MessageFramer(1 << 20);
        ByteBuf a = all.retainedSlice(0, 3);
        f.feed(UnpooledByteBufAllocator.DEFAULT, a, new Recorder(""));
        assertTrue(f.inMessage());
        f.release();
        assertFalse(f.inMessage());
        a.release();
        all.release();
    }

    /** Found by LoginFuzzTest's reasoning: a login that ends inside the callback releases the framer there. */
    @Test
    void aListenerMayReleaseTheFramerFromItsCallback() {
        MessageFramer f = new MessageFramer(1000);
        ByteBuf first = Unpooled.buffer().writeByte('p').writeInt(8).writeShort(1);
        ByteBuf second = Unpooled.buffer().writeShort(2).writeByte('Q').writeByte(0);
        List<Character> seen = new ArrayList<>();
        MessageFramer.Listener releasing = new MessageFramer.Listener() {
            @Override
            public boolean needsWhole(byte type) {
                return true;
            }

            @Override
            public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
                seen.add((char) type);
                f.release(); // LoginHandler does this when the welcome goes out
                return true;
            }

            @Override
            public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
                throw new AssertionError();
            }
        };
        f.feed(UnpooledByteBufAllocator.DEFAULT, first, releasing);
        assertEquals(second.writerIndex(), f.feed(UnpooledByteBufAllocator.DEFAULT, second, releasing),
                "no double release of the assembled message");
        assertEquals(List.of('p'), seen);
        ByteBuf rest = f.takePartial();
        assertEquals("5100", ByteBufUtil.hexDump(rest), "the cut header behind it can be handed on");
        assertNull(f.takePartial());
        assertFalse(f.inMessage());
        rest.release();
        first.release();
        second.release();
    }
}
