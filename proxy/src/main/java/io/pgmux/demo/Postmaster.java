package io.pgmux.demo;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running postmaster of a data directory, found through {@code postmaster.pid}.
 *
 * <p>Liveness treats zombies as dead: the postmaster is daemonized by pg_ctl, so after a SIGKILL
 * it is reaped by whatever init this machine (or container) has, and some inits never reap.
 */
final class Postmaster {

    private Postmaster() {
    }

    /** The pid recorded in {@code postmaster.pid}, if the file exists and parses. */
    static Optional<Long> pid(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
        } catch (IOException | NumberFormatException e) {
            // Half-written by a starting postmaster: report "not running" rather than fail.
            return Optional.empty();
        }
    }

    /** True if the postmaster of {@code dataDir} is alive (and not a zombie). */
    static boolean isRunning(Path dataDir) {
        return pid(dataDir).map(Postmaster::isAlive).orElse(false);
    }

    static boolean isAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.exists(stat)) {
            try {
                String s = Files.readString(stat);
                // Format: "pid (comm) S ...": the state letter follows the last ')'.
                char state = s.substring(s.lastIndexOf(')') + 2).charAt(0);
                return state != 'Z' && state != 'X';
            } catch (IOException | RuntimeException e) {
                return false; // vanished while reading
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * SIGKILLs the postmaster and all its children (a host crash, as far as clients can tell:
     * every connection drops at once), waits until they are gone, then removes the lock files a
     * crash leaves behind. PostgreSQL would detect stale locks itself, except when the dead
     * postmaster lingers as an unreaped zombie, whose pid still "exists".
     */
    static void killTree(Path dataDir, Path socketDir, Duration timeout) {
        Optional<Long> pid = pid(dataDir);
        if (pid.isEmpty() || !isAlive(pid.get())) {
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid.get());
        if (postmaster.isEmpty()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(postmaster.get());
        postmaster.get().descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle p : tree) {
            while (isAlive(p.pid())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("process " + p.pid() + " survived SIGKILL for "
                            + timeout.toSeconds() + " s");
                }
                sleepBriefly();
            }
        }
        deleteQuietly(dataDir.resolve("postmaster.pid"));
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(socketDir, ".s.PGSQL.*")) {
            locks.forEach(Postmaster::deleteQuietly);
        } catch (IOException e) {
            // Nothing to clean: the socket dir may not exist yet.
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for postgres to die", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // The next start reports any real problem, with the server log.
        }
    }
}
