package io.pgmux.config;

import java.util.Locale;
import java.util.Optional;

/** How log lines are written ({@code log.format}). */
public enum LogFormat {
    /** Human-readable lines. */
    TEXT,
    /** One JSON object per line. */
    JSON;

    /** The spelling used in the YAML file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Looks a format up by its YAML spelling, ignoring case. */
    public static Optional<LogFormat> fromConfigName(String name) {
        return ConfigNames.lookup(values(), LogFormat::configName, name);
    }
}
