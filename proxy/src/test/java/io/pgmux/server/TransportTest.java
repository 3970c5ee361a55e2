package io.pgmux.server;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.pgmux.config.TransportKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransportTest {

    private final List<String> warnings = new ArrayList<>();

    @AfterEach
    void clearOverride() {
        System.clearProperty(Transport.OVERRIDE_PROPERTY);
    }

    @Test
    void autoTakesTheBestAvailable() {
        String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        assertEquals(expected, Transport.choose(TransportKind.AUTO, warnings::add).name());
        assertEquals(List.of(), warnings);
    }

    @Test
    void anExplicitKindIsTakenWhenAvailable() {
        Transport nio = Transport.choose(TransportKind.NIO, warnings::add);
        assertEquals("nio", nio.name());
        assertEquals(NioSocketChannel.class, nio.socketChannel());
        if (Epoll.isAvailable()) {
            assertEquals("epoll", Transport.choose(TransportKind.EPOLL, warnings::add).name());
        }
        assertEquals(List.of(), warnings);
    }

    @Test
    void anUnavailableKindFallsBackWithAWarning() {
        // a machine without io_uring (an old kernel, io_uring_disabled, Docker's seccomp profile)
        Function<TransportKind, Optional<Transport>> noUring = kind -> kind == TransportKind.IO_URING
                ? Optional.empty()
                : Transport.of(kind == TransportKind.AUTO ? TransportKind.NIO : kind);
        Transport chosen = Transport.choose(TransportKind.IO_URING, noUring, warnings::add);
        assertEquals("nio", chosen.name());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("transport io_uring is not available here ("), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("); using nio"), warnings.get(0));
    }

    @Test
    void theSystemPropertyOverridesTheFile() {
        System.setProperty(Transport.OVERRIDE_PROPERTY, "nio");
        assertEquals("nio", Transport.choose(TransportKind.AUTO, warnings::add).name());
        System.setProperty(Transport.OVERRIDE_PROPERTY, "not-a-transport");
        assertEquals(Transport.choose(TransportKind.NIO, warnings::add).name(), "nio");
        assertEquals(List.of(), warnings);
    }
}
