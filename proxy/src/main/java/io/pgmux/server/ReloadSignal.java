package io.pgmux.server;

import io.pgmux.protocol.PgException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * SIGHUP reloads the configuration file, as admin {@code RELOAD} does (and as PgBouncer and
 * PostgreSQL do on SIGHUP). An invalid file is refused with the reason logged, and the
 * configuration in force stays. Uses {@code sun.misc.Signal} (module jdk.unsupported, present in
 * every JDK since 9): the JDK has no supported API for handling a signal other than through a
 * shutdown hook.
 */
final class ReloadSignal {
    private static final Logger LOG = Logger.getLogger(ReloadSignal.class.getName());

    private ReloadSignal() {
    }

    /** Installs the handler; false (logged) where the platform has no SIGHUP (Windows). */
    static boolean install(ServerControl control) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload(control));
            return true;
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.info(() -> "no SIGHUP on this platform (" + e.getMessage() + "): reload with RELOAD on the admin console");
            return false;
        }
    }

    private static void reload(ServerControl control) {
        LOG.info("SIGHUP: reloading the configuration");
        try {
            control.reload().forEach(n -> LOG.warning("reload: " + n));
        } catch (PgException e) {
            // already logged by ServerControl with the file's problems; the old configuration stays
            LOG.fine(() -> "SIGHUP reload refused: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "SIGHUP reload failed; the configuration in force is unchanged", e);
        }
    }
}
