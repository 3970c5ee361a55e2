package io.pgmux.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link LocalPostgres} not yet closed, closed by one shutdown hook at JVM exit.
 *
 * <p>pg_ctl detaches the postmaster from this JVM, so without this a test run that fails
 * half-way, or a {@code pgmux demo} ended with Ctrl-C, would leave servers running (and their
 * ports taken) after the JVM is gone. Only a SIGKILL of the JVM escapes it.
 */
final class LiveServers {

    private static final Set<LocalPostgres> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LiveServers::closeAll, "pgmux-postgres-shutdown"));
    }

    private LiveServers() {
    }

    static void add(LocalPostgres server) {
        OPEN.add(server);
    }

    static void remove(LocalPostgres server) {
        OPEN.remove(server);
    }

    private static void closeAll() {
        List<LocalPostgres> open = new ArrayList<>(OPEN);
        for (LocalPostgres server : open) {
            try {
                server.close();
            } catch (RuntimeException e) {
                // Keep going: one stuck server must not keep the others running.
                System.getLogger(LiveServers.class.getName()).log(System.Logger.Level.WARNING,
                        "could not stop " + server + " at JVM exit: " + e.getMessage());
            }
        }
    }
}
