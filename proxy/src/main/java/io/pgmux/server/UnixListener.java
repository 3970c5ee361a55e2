package io.pgmux.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * The Unix-domain socket clients on the same host connect to ({@code unix_socket_dir}), the file
 * {@code .s.PGSQL.<port>} libpq looks for with {@code host=<dir>}: created at start, removed at
 * stop. It serves the same logins and sessions as the TCP listener.
 */
final class UnixListener {
    private static final Logger LOG = Logger.getLogger(UnixListener.class.getName());

    private final Path path;
    private final Channel channel;

    private UnixListener(Path path, Channel channel) {
        this.path = path;
        this.channel = channel;
    }

    /**
     * Binds {@code path}. A socket file left by a process that is gone is replaced; one that still
     * answers belongs to a running server (another pgmux, PgBouncer, PostgreSQL) and is left alone.
     *
     * @throws IOException when the path is taken or cannot be bound
     */
    static UnixListener start(Path path, Transport transport, EventLoopGroup acceptor, EventLoopGroup workers,
                              ChannelHandler childHandler, ByteBufAllocator allocator, WriteBufferWaterMark waterMark)
            throws IOException, InterruptedException {
        if (Files.exists(path)) {
            if (answers(path)) {
                throw new IOException("Address already in use: a server answers on " + path);
            }
            Files.delete(path); // stale: its server did not remove it (killed, or the host crashed)
        }
        Channel channel = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(transport.domainServerChannel())
                .childOption(ChannelOption.ALLOCATOR, allocator)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(childHandler)
                .bind(transport.domainAddress(path)).sync().channel();
        // as PgBouncer's default unix_socket_mode and PostgreSQL's unix_socket_permissions: who may
        // connect is decided by the directory's permissions and by authentication
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxrwxrwx"));
        LOG.info(() -> "pgmux listening on unix socket " + path);
        return new UnixListener(path, channel);
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops accepting and removes the socket file; connections already made go on. */
    void close() {
        channel.close().syncUninterruptibly();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + path + ": " + e.getMessage());
        }
    }

    Path path() {
        return path;
    }
}
