/**
 * Prometheus metrics with Micrometer ({@code pgmux_*} per pool, JVM and Netty binders) and the HTTP
 * endpoint on {@code metrics.listen} serving {@code /metrics}, {@code /health/live} and
 * {@code /health/ready}. Labels are bounded by the configuration. See docs/metrics.md.
 */
package io.pgmux.metrics;
