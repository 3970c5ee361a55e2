package io.pgmux.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code initdb} and {@code pg_ctl} invocations for one data directory, run as the PG user.
 *
 * <p>Every call waits ({@code -w}) so that "returned" means "done": started and accepting
 * connections, stopped with the data directory released, or promoted to read-write.
 */
final class PgCtl {

    private final PostgresBinaries binaries;
    private final PgUser user;
    private final Path dataDir;
    private final Duration timeout;

    PgCtl(PostgresBinaries binaries, PgUser user, Path dataDir, Duration timeout) {
        this.binaries = binaries;
        this.user = user;
        this.dataDir = dataDir;
        this.timeout = timeout;
    }

    /**
     * Creates the cluster: superuser {@code postgres}, UTF8 with the C locale (independent of the
     * locales installed here), trust everywhere until our own pg_hba.conf replaces it, and
     * {@code --no-sync} because these clusters are disposable and fsync of ~40 MB costs seconds.
     */
    void initdb() {
        Exec.run(user.wrap(List.of(binaries.bin("initdb").toString(), "-D", dataDir.toString(),
                        "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync",
                        "--no-instructions")), timeout.plusSeconds(30))
                .orThrow("initdb of " + dataDir);
    }

    /** Starts the postmaster in the background; its output goes to {@code logFile}. */
    Exec.Result start(Path logFile, int port, Path socketDir) {
        // The -o string is parsed by /bin/sh inside pg_ctl, hence the quoted socket path.
        String options = "-p " + port + " -k " + shellQuote(socketDir.toString());
        return Exec.run(user.wrap(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(),
                "-l", logFile.toString(), "-o", options, "-w", "-t", seconds(), "start")), timeout.plusSeconds(15));
    }

    /** Fast shutdown: rolls back open transactions, disconnects clients, writes a checkpoint. */
    Exec.Result stop() {
        return Exec.run(user.wrap(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(),
                "-m", "fast", "-w", "-t", seconds(), "stop")), timeout.plusSeconds(15));
    }

    /** Ends recovery on a standby and waits until it accepts writes. */
    Exec.Result promote() {
        return Exec.run(user.wrap(List.of(binaries.bin("pg_ctl").toString(), "-D", dataDir.toString(),
                "-w", "-t", seconds(), "promote")), timeout.plusSeconds(15));
    }

    private String seconds() {
        return Long.toString(Math.max(1, timeout.toSeconds()));
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
