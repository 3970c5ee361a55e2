package io.pgmux.config;

import java.util.Locale;
import java.util.Optional;

/** Which socket implementation the event loops use ({@code transport}). */
public enum TransportKind {
    /** The fastest this machine offers: io_uring, else epoll, else NIO. */
    AUTO,
    /** Linux io_uring (kernel 5.14 or later, not disabled by {@code kernel.io_uring_disabled} or seccomp). */
    IO_URING,
    /** Linux epoll. */
    EPOLL,
    /** Java NIO, on any platform. */
    NIO;

    /** The spelling used in the YAML file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Looks a kind up by its YAML spelling, ignoring case. */
    public static Optional<TransportKind> fromConfigName(String name) {
        return ConfigNames.lookup(values(), TransportKind::configName, name);
    }
}
