package io.pgmux.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Unpacks a zonky {@code .txz} once into {@code ${java.io.tmpdir}/pgmux-postgres-<sha256 prefix>/}.
 *
 * <p>Keyed by content hash, so a new binaries version never reuses a stale directory. The archive
 * is extracted into a private temp dir which is then renamed into place: rename is atomic, so a
 * JVM either sees a complete installation or none, and when two JVMs race the loser simply
 * discards its copy and uses the winner's.
 */
final class BinariesCache {

    private static final System.Logger LOG = System.getLogger(BinariesCache.class.getName());
    private static final Duration TAR_TIMEOUT = Duration.ofMinutes(5);

    private BinariesCache() {
    }

    /** Unpacks an archive stream (jar entry or class-path resource). */
    static Path unpack(InputStream archive) {
        Path tmpRoot = tmpRoot();
        Path spooled = null;
        try {
            spooled = Files.createTempFile(tmpRoot, "pgmux-postgres-", ".txz");
            MessageDigest sha = sha256();
            try (DigestInputStream in = new DigestInputStream(archive, sha)) {
                Files.copy(in, spooled, StandardCopyOption.REPLACE_EXISTING);
            }
            return unpack(spooled, key(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool PostgreSQL archive to " + tmpRoot, e);
        } finally {
            deleteQuietly(spooled);
        }
    }

    /** Unpacks a {@code .txz} file. */
    static Path unpack(Path txz) {
        MessageDigest sha = sha256();
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(txz), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + txz, e);
        }
        return unpack(txz, key(sha.digest()));
    }

    private static Path unpack(Path txz, String key) {
        Path target = tmpRoot().resolve("pgmux-postgres-" + key);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path staging;
        try {
            staging = Files.createTempDirectory(tmpRoot(), "pgmux-postgres-" + key + ".partial-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + tmpRoot(), e);
        }
        long t0 = System.nanoTime();
        try {
            // --no-same-owner: as root tar would otherwise restore the packager's uid/gid.
            Exec.run(List.of("tar", "--no-same-owner", "-xJf", txz.toString(), "-C", staging.toString()),
                    TAR_TIMEOUT).orThrow("unpacking PostgreSQL binaries with tar (needs tar and xz:"
                    + " apt-get install xz-utils)");
            makeWorldReadable(staging);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.log(System.Logger.Level.INFO, "unpacked PostgreSQL binaries into {0} in {1} ms",
                    target, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            // Lost the race: another JVM renamed its complete copy into place first.
            if (!Files.isDirectory(target.resolve("bin"))) {
                throw new UncheckedIOException("cannot move unpacked binaries to " + target, e);
            }
        } finally {
            PgUser.deleteTree(staging);
        }
        return target;
    }

    /**
     * When root unpacks, 'nobody' must still be able to read {@code share/} and execute
     * {@code bin/}; the staging dir itself is created 0700 by the JDK.
     */
    private static void makeWorldReadable(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
                perms.add(PosixFilePermission.OWNER_READ);
                perms.add(PosixFilePermission.GROUP_READ);
                perms.add(PosixFilePermission.OTHERS_READ);
                if (Files.isDirectory(p) || perms.contains(PosixFilePermission.OWNER_EXECUTE)) {
                    perms.add(PosixFilePermission.OWNER_EXECUTE);
                    perms.add(PosixFilePermission.GROUP_EXECUTE);
                    perms.add(PosixFilePermission.OTHERS_EXECUTE);
                }
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("cannot make " + root + " readable for the PostgreSQL user", e);
        }
    }

    private static Path tmpRoot() {
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    private static String key(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // A leftover temp archive is harmless.
            }
        }
    }
}
