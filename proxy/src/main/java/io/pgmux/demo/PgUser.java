package io.pgmux.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system user PostgreSQL runs as, and the file ownership that implies.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root. So when this JVM is root, every PG
 * binary is wrapped in {@code runuser -u nobody --} and every directory PG writes to is handed to
 * {@code nobody}. As a normal user everything runs directly and nothing is chowned.
 */
final class PgUser {

    /** The unprivileged account used when we are root; present on every Linux system. */
    static final String UNPRIVILEGED = "nobody";

    /** runuser lives in sbin, which a root shell in a container may not have on its PATH. */
    private static final String RUNUSER = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")
            .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse("runuser");

    private static final PgUser CURRENT = new PgUser(detectRoot());

    private final boolean root;

    private PgUser(boolean root) {
        this.root = root;
    }

    /** The user model for this JVM (detected once). */
    static PgUser current() {
        return CURRENT;
    }

    boolean isRoot() {
        return root;
    }

    /** {@code command}, prefixed with {@code runuser -u nobody --} when we are root. */
    List<String> wrap(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(RUNUSER, "-u", UNPRIVILEGED, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Creates {@code dir} (and parents) and, when root, makes it owned by the PG user. */
    Path createOwnedDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        chown(dir);
        return dir;
    }

    /** Writes a text file that PostgreSQL must later read or rewrite (e.g. conf files). */
    void writeOwnedFile(Path file, String content, boolean append) {
        try {
            if (append) {
                Files.writeString(file, content, StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } else {
                Files.writeString(file, content, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        chown(file);
    }

    /**
     * Fails early with a clear message when the PG user cannot write into {@code dir}, typically
     * because a parent such as {@code /root} is not traversable by {@code nobody}. Otherwise
     * initdb would fail later with a far less obvious error.
     */
    void requireWritable(Path dir) {
        if (!root) {
            return;
        }
        Exec.Result r = Exec.run(wrap(List.of("test", "-w", dir.toString())), Duration.ofSeconds(10));
        if (!r.ok()) {
            throw new IllegalStateException("user '" + UNPRIVILEGED + "' cannot write to " + dir
                    + ": PostgreSQL must run unprivileged when the JVM is root, so every parent of this"
                    + " directory must be traversable by others (use a base dir under /tmp, e.g."
                    + " -Djava.io.tmpdir=/tmp)");
        }
    }

    private void chown(Path path) {
        if (!root) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            UserPrincipal user = lookup.lookupPrincipalByName(UNPRIVILEGED);
            // Owner only (the group stays root's): PostgreSQL checks the owner of its data dir.
            Files.setOwner(path, user);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + path + " to user " + UNPRIVILEGED, e);
        }
    }

    /**
     * Root detection without spawning {@code id -u}: {@code /proc/self} is owned by the
     * process's effective uid. Falls back to {@code user.name} off Linux (the binaries are
     * Linux-only anyway).
     */
    private static boolean detectRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Integer) uid) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** Deletes a directory tree; root can delete what {@code nobody} created. Best effort. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Leave it: a stray temp file must not mask the caller's real outcome.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Same reasoning: cleanup is best effort.
        }
    }
}
