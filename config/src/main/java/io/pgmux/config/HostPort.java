package io.pgmux.config;

import java.util.Objects;

/**
 * A socket address to listen on, written {@code host:port}, {@code [ipv6]:port} or {@code :port}.
 *
 * <p>The host is kept without brackets; {@link #toString()} adds them back for IPv6 literals so the
 * result can be parsed again. Port 0 is accepted because tests listen on ephemeral ports.
 *
 * @param host host name or IP literal, never empty
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

    /** The host used when only {@code :port} is written. */
    public static final String ANY_HOST = "0.0.0.0";

    private static final String EXPECTED = "expected host:port, like 0.0.0.0:6432";

    /** Checks the invariants; see the record description. */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
    }

    /**
     * Parses {@code host:port}, {@code [ipv6]:port} or {@code :port} (which means {@value #ANY_HOST}).
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static HostPort parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException(EXPECTED);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (host.isEmpty()) {
                throw new IllegalArgumentException(EXPECTED);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(EXPECTED);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("IPv6 addresses must be in brackets, like [::1]:6432");
            }
            if (host.isEmpty()) {
                host = ANY_HOST;
            }
        }
        return new HostPort(host, parsePort(port));
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(EXPECTED);
        }
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        return port;
    }

    /** True for the wildcard addresses, which overlap every other address on the same port. */
    public boolean isWildcard() {
        return host.equals(ANY_HOST) || host.equals("::");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
