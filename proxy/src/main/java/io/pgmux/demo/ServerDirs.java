package io.pgmux.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directories of one server: {@code <parent>/pgmux-<name>-<random>/} holding {@code data/}
 * (created by initdb or a copy), {@code server.log} and {@code sock/}.
 *
 * <p>Unix socket paths are limited to 107 bytes ({@code sun_path}); when {@code java.io.tmpdir}
 * is deep, the socket dir moves to a short directory under {@code /tmp} instead.
 */
final class ServerDirs {

    /** sun_path is 108 bytes including the terminating NUL. */
    private static final int MAX_SOCKET_PATH = 107;

    private final Path baseDir;
    private final Path socketDir;
    private final boolean separateSocketDir;

    private ServerDirs(Path baseDir, Path socketDir, boolean separateSocketDir) {
        this.baseDir = baseDir;
        this.socketDir = socketDir;
        this.separateSocketDir = separateSocketDir;
    }

    /** Names end up in paths and in primary_conninfo: keep them to a safe alphabet. */
    static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,40}")) {
            throw new IllegalArgumentException("server name must match [A-Za-z0-9_.-]{1,40}: " + name);
        }
        return name;
    }

    /** Creates the base and socket directories, owned by the PG user. */
    static ServerDirs create(Path parent, String name, int port, PgUser user) {
        try {
            Files.createDirectories(parent);
            Path base = user.createOwnedDir(Files.createTempDirectory(parent, "pgmux-" + name + "-"));
            Path socket = base.resolve("sock");
            // The longest file PostgreSQL creates there is the lock file ".s.PGSQL.<port>.lock".
            String longest = socket + "/.s.PGSQL." + port + ".lock";
            boolean separate = longest.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH;
            if (separate) {
                socket = Files.createTempDirectory(Path.of("/tmp"), "pgs-");
            }
            user.createOwnedDir(socket);
            return new ServerDirs(base, socket, separate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create server directories under " + parent, e);
        }
    }

    Path baseDir() {
        return baseDir;
    }

    Path dataDir() {
        return baseDir.resolve("data");
    }

    Path logFile() {
        return baseDir.resolve("server.log");
    }

    Path socketDir() {
        return socketDir;
    }

    void delete() {
        PgUser.deleteTree(baseDir);
        if (separateSocketDir) {
            PgUser.deleteTree(socketDir);
        }
    }
}
