package io.pgmux.admin;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the console writes times and addresses, the way PgBouncer does. */
final class Formats {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** {@code 2026-11-22 01:58:16 UTC}; null for 0. */
    static String time(long epochMillis) {
        return epochMillis == 0 ? null : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** A {@link System#nanoTime()} instant as wall-clock time. */
    static String nanoTime(long nanos, long nowNanos, long nowMillis) {
        return time(nowMillis - (nowNanos - nanos) / 1_000_000);
    }

    /** The address as SHOW CLIENTS prints it: the IP, or {@code unix} for the Unix-domain socket as PgBouncer does. */
    static String host(SocketAddress a) {
        if (a instanceof io.netty.channel.unix.DomainSocketAddress || a instanceof java.net.UnixDomainSocketAddress) {
            return "unix";
        }
        return a instanceof InetSocketAddress i ? i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString()
                : a == null ? null : a.toString();
    }

    static String port(SocketAddress a) {
        return a instanceof InetSocketAddress i ? Integer.toString(i.getPort()) : null;
    }

    /** 0/1 as PgBouncer shows flags. */
    static String flag(boolean b) {
        return b ? "1" : "0";
    }
}
