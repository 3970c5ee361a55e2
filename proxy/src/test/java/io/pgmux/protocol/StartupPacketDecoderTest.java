package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class StartupPacketDecoderTest {

    static ByteBuf startup(int version, String... kv) {
        ByteBuf b = Unpooled.buffer();
        b.writeInt(0).writeInt(version);
        for (String s : kv) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        }
        b.writeByte(0);
        b.setInt(0, b.writerIndex());
        return b;
    }

    private static Object decodeSplit(ByteBuf packet) {
        // every split point gives the same packet
        Object first = null;
        for (int split = 1; split <= packet.readableBytes(); split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new StartupPacketDecoder());
            ch.writeInbound(packet.retainedSlice(0, split));
            if (split < packet.readableBytes()) {
                assertNull(ch.readInbound(), "nothing before the packet is complete (split " + split + ")");
                ch.writeInbound(packet.retainedSlice(split, packet.readableBytes() - split));
            }
            Object o = ch.readInbound();
            if (first == null) {
                first = o;
            } else {
                assertEquals(first, o, "split " + split);
            }
            assertFalse(ch.finish());
        }
        packet.release();
        return first;
    }

    @Test
    void startupMessage() {
        Object o = decodeSplit(startup(StartupCodes.PROTOCOL_3_0, "user", "app", "database", "db", "_pq_.x", "1"));
        StartupPacket.StartupMessage m = assertInstanceOf(StartupPacket.StartupMessage.class, o);
        assertEquals(0, m.minorVersion());
        assertEquals("app", m.parameters().get("user"));
        assertEquals("db", m.parameters().get("database"));
        assertEquals(java.util.List.of("_pq_.x"), m.protocolOptions());
    }

    @Test
    void sslGssAndCancel() {
        assertInstanceOf(StartupPacket.SslRequest.class,
                decodeSplit(Unpooled.buffer().writeInt(8).writeInt(StartupCodes.SSL_REQUEST)));
        assertInstanceOf(StartupPacket.GssEncRequest.class,
                decodeSplit(Unpooled.buffer().writeInt(8).writeInt(StartupCodes.GSSENC_REQUEST)));
        assertEquals(new StartupPacket.CancelRequest(5, -7),
                decodeSplit(Unpooled.buffer().writeInt(16).writeInt(StartupCodes.CANCEL_REQUEST).writeInt(5).writeInt(-7)));
    }

    private static PgError invalid(ByteBuf packet) {
        EmbeddedChannel ch = new EmbeddedChannel(new StartupPacketDecoder());
        ch.writeInbound(packet);
        StartupPacket.Invalid bad = assertInstanceOf(StartupPacket.Invalid.class, ch.readInbound());
        // everything after a bad packet is discarded: no second event, no exception
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
        assertEquals("08P01", bad.error().code());
        return bad.error();
    }

    @Test
    void oversizedUndersizedAndUnknown() {
        assertEquals("invalid length of startup packet", invalid(Unpooled.buffer().writeInt(10001).writeInt(0)).message());
        assertEquals("invalid length of startup packet", invalid(Unpooled.buffer().writeInt(4).writeInt(0)).message());
        assertEquals("invalid length of startup packet", invalid(Unpooled.buffer().writeInt(-1).writeInt(0)).message());
        assertEquals("unsupported frontend protocol 2.0: server supports 3.0 to 3.0",
                invalid(startup(2 << 16, "user", "x")).message());
        // 1234.5678 would be CancelRequest's code: that is how PostgreSQL defines it
        assertEquals("unsupported frontend protocol 4.1: server supports 3.0 to 3.0",
                invalid(startup(4 << 16 | 1, "user", "x")).message());
        ByteBuf noTerminator = Unpooled.buffer().writeInt(12).writeInt(StartupCodes.PROTOCOL_3_0).writeBytes("user".getBytes());
        assertEquals("invalid startup packet layout: expected terminator as last byte", invalid(noTerminator).message());
        assertEquals("invalid length of cancel request packet",
                invalid(Unpooled.buffer().writeInt(12).writeInt(StartupCodes.CANCEL_REQUEST).writeInt(1)).message());
    }

    @Test
    void minorVersionIsReported() {
        StartupPacket.StartupMessage m = assertInstanceOf(StartupPacket.StartupMessage.class,
                decodeSplit(startup(StartupCodes.PROTOCOL_3_0 | 2, "user", "u")));
        assertEquals(2, m.minorVersion());
    }
}
