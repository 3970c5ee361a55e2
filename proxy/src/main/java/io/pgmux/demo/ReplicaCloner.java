package io.pgmux.demo;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Builds a streaming replica by copying a cleanly stopped primary's data directory.
 *
 * <p>A copy of a cleanly shut down cluster is a consistent base backup without pg_basebackup
 * (which the zonky binaries do not ship): the standby replays from the shutdown checkpoint, is
 * consistent at once (so it accepts read-only connections immediately), and streams everything
 * the primary writes after it restarts.
 */
final class ReplicaCloner {

    private ReplicaCloner() {
    }

    static LocalPostgres cloneOf(LocalPostgres primary, ServerSpec spec, String name, int port) {
        LocalPostgres replica = new LocalPostgres(spec.forReplica(), name, port == 0 ? FreePorts.any() : port, true);
        try {
            primary.copyDataDirTo(replica.dataDir());
            // Leftovers of the primary's last run that must not describe the replica's.
            Files.deleteIfExists(replica.dataDir().resolve("postmaster.pid"));
            Files.deleteIfExists(replica.dataDir().resolve("postmaster.opts"));
            ServerConfig.makeStandby(PgUser.current(), replica.dataDir(), primary.port(), name);
            return replica;
        } catch (IOException | RuntimeException e) {
            replica.close();
            throw new IllegalStateException("cannot create replica '" + name + "' of " + primary.name(), e);
        }
    }
}
