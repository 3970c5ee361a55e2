package io.pgmux.config;

import java.util.Locale;
import java.util.Optional;

/** When a server connection goes back to the pool ({@code pool.mode}). */
public enum PoolMode {
    /** When the client disconnects. */
    SESSION,
    /** When a transaction ends. */
    TRANSACTION,
    /** After every statement; multi-statement transactions are refused. */
    STATEMENT;

    /** The spelling used in the YAML file. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Looks a mode up by its YAML spelling, ignoring case. */
    public static Optional<PoolMode> fromConfigName(String name) {
        return ConfigNames.lookup(values(), PoolMode::configName, name);
    }
}
