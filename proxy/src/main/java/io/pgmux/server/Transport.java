package io.pgmux.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.pgmux.config.TransportKind;

import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The socket implementation of the event loops ({@code transport}). {@code auto} takes io_uring
 * where the kernel offers it: on a proxy's ping-pong traffic it submits a loop's reads and writes
 * in one system call and needs fewer wake-ups than epoll, which measured as about a third less CPU
 * per transaction (docs/benchmarks.md). Then epoll, then Java NIO, which runs anywhere.
 * {@code -Dpgmux.transport=...} overrides the file (for diagnosis, and for running the tests on
 * another transport).
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel, Class<? extends Channel> socketChannel,
                        Class<? extends ServerChannel> domainServerChannel, Class<? extends Channel> domainSocketChannel) {

    static final String OVERRIDE_PROPERTY = "pgmux.transport";

    /** The transport {@code configured} asks for, or the best available one with a warning when it cannot be had. */
    public static Transport choose(TransportKind configured, Consumer<String> warn) {
        return choose(configured, Transport::of, warn);
    }

    /** {@link #choose(TransportKind, Consumer)} with {@code available} saying which kinds work here. */
    static Transport choose(TransportKind configured, Function<TransportKind, Optional<Transport>> available,
                            Consumer<String> warn) {
        TransportKind wanted = Optional.ofNullable(System.getProperty(OVERRIDE_PROPERTY))
                .flatMap(TransportKind::fromConfigName).orElse(configured);
        Optional<Transport> exact = available.apply(wanted);
        if (exact.isPresent()) {
            return exact.get();
        }
        Transport fallback = available.apply(TransportKind.AUTO).orElseThrow();
        warn.accept("transport " + wanted.configName() + " is not available here (" + unavailability(wanted)
                + "); using " + fallback.name());
        return fallback;
    }

    /** The transport of this kind when it works on this machine. */
    static Optional<Transport> of(TransportKind kind) {
        switch (kind) {
            case AUTO:
                return of(TransportKind.IO_URING).or(() -> of(TransportKind.EPOLL)).or(() -> of(TransportKind.NIO));
            case IO_URING:
                return IoUring.isAvailable() ? Optional.of(new Transport("io_uring", IoUringIoHandler.newFactory(),
                        IoUringServerSocketChannel.class, IoUringSocketChannel.class,
                        io.netty.channel.uring.IoUringServerDomainSocketChannel.class,
                        io.netty.channel.uring.IoUringDomainSocketChannel.class)) : Optional.empty();
            case EPOLL:
                return Epoll.isAvailable() ? Optional.of(new Transport("epoll", EpollIoHandler.newFactory(),
                        EpollServerSocketChannel.class, EpollSocketChannel.class,
                        io.netty.channel.epoll.EpollServerDomainSocketChannel.class,
                        io.netty.channel.epoll.EpollDomainSocketChannel.class)) : Optional.empty();
            default:
                return Optional.of(new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                        NioSocketChannel.class, io.netty.channel.socket.nio.NioServerDomainSocketChannel.class,
                        io.netty.channel.socket.nio.NioDomainSocketChannel.class));
        }
    }

    private static String unavailability(TransportKind kind) {
        Throwable cause = kind == TransportKind.IO_URING ? IoUring.unavailabilityCause()
                : kind == TransportKind.EPOLL ? Epoll.unavailabilityCause() : null;
        return cause == null ? "unknown reason" : String.valueOf(cause.getMessage());
    }

    /** The address a Unix-domain socket of this transport binds or connects to: Netty's own type natively, the JDK's for NIO. */
    public java.net.SocketAddress domainAddress(java.nio.file.Path path) {
        return name.equals("nio") ? java.net.UnixDomainSocketAddress.of(path)
                : new io.netty.channel.unix.DomainSocketAddress(path.toString());
    }

    public EventLoopGroup newGroup(int threads, ThreadFactory factory) {
        return new MultiThreadIoEventLoopGroup(threads, factory, ioHandlerFactory);
    }
}
