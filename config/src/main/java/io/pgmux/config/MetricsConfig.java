package io.pgmux.config;

/**
 * The HTTP endpoint serving {@code /metrics} and {@code /health/*} ({@code metrics:} block).
 *
 * @param listen where the endpoint listens, or {@code null} when it is disabled
 */
public record MetricsConfig(HostPort listen) {

    /** The default endpoint address, reachable from the local host only. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 9930);

    /** Listens on {@link #DEFAULT_LISTEN}. */
    public static MetricsConfig defaults() {
        return new MetricsConfig(DEFAULT_LISTEN);
    }

    /** Whether the endpoint is to be started at all. */
    public boolean enabled() {
        return listen != null;
    }
}
