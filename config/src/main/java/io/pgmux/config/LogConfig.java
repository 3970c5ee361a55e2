package io.pgmux.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Logging ({@code log:} block).
 *
 * @param level  one of {@link #LEVELS}, lower case
 * @param format line format
 */
public record LogConfig(String level, LogFormat format) {

    /** The accepted levels, from least to most verbose. */
    public static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /** Rejects nulls and unknown levels. */
    public LogConfig {
        Objects.requireNonNull(format, "format");
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("unknown log level");
        }
    }

    /** Level {@code info}, format {@code text}. */
    public static LogConfig defaults() {
        return new LogConfig("info", LogFormat.TEXT);
    }

    /** Finds a level by name ignoring case, giving the canonical lower-case spelling. */
    public static Optional<String> levelFromConfigName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return LEVELS.contains(lower) ? Optional.of(lower) : Optional.empty();
    }
}
