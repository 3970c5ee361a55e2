package io.pgmux.server;

import java.util.logging.LogManager;

/**
 * java.util.logging's own shutdown hook resets every handler, so the lines pgmux logs while it
 * drains on SIGTERM would be lost. This manager ignores that reset; it is installed by {@link Main}
 * before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        // keep handlers: shutdown logging matters more than the reset at JVM exit
    }

    /** A real reset, for configuration changes. */
    void resetNow() {
        super.reset();
    }
}
