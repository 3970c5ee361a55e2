package io.pgmux.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Logging ({@code log:} block).
 *
 * @param level              one of {@link #LEVELS}, lower case
 * @param format             line format
 * @param queries            one line per query (what the server ran between two ReadyForQuery)
 * @param slowQueryThreshold a query running at least this long is logged as slow; zero disables it
 */
public record LogConfig(String level, LogFormat format, boolean queries, Duration slowQueryThreshold) {

    /** The accepted levels, from least to most verbose. */
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    /** Used when {@code slow_query_threshold} is absent. */
    public static final Duration DEFAULT_SLOW_QUERY_THRESHOLD = Duration.ofSeconds(1);

    /** Rejects nulls, unknown levels and negative thresholds. */
    public LogConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(slowQueryThreshold, "slowQueryThreshold");
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("unknown log level");
        }
        if (slowQueryThreshold.isNegative()) {
            throw new IllegalArgumentException("negative slow query threshold");
        }
    }

    /** A level and format with the default query logging: no per-query lines, slow queries from 1s. */
    public LogConfig(String level, LogFormat format) {
        this(level, format, false, DEFAULT_SLOW_QUERY_THRESHOLD);
    }

    /** Level {@code info}, format {@code text}, no per-query lines, slow queries from 1s. */
    public static LogConfig defaults() {
        return new LogConfig("info", LogFormat.TEXT);
    }

    /** True when sessions must keep the SQL of their requests: per-query lines or the slow-query log. */
    public boolean logsQueries() {
        return queries || !slowQueryThreshold.isZero();
    }

    /** Finds a level by name ignoring case, giving the canonical lower-case spelling. */
    public static Optional<String> levelFromConfigName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return LEVELS.contains(lower) ? Optional.of(lower) : Optional.empty();
    }
}
