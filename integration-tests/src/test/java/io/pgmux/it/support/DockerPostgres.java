package io.pgmux.it.support;

import io.pgmux.demo.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers branch of {@link TestPostgres}: a single {@code postgres:17} container
 * configured from the same {@link LocalPostgres.Builder} the local branch uses.
 *
 * <p>Single servers only: replica topologies need to copy a stopped primary's data directory,
 * which is straightforward on the local file system but not across containers, and no Docker
 * engine exists on the machines this suite normally runs on.
 */
final class DockerPostgres {

    /** {@code -Dpgmux.it.postgres=local|docker} forces a backend; default is auto-detection. */
    static final String BACKEND_PROPERTY = "pgmux.it.postgres";

    private static volatile Boolean available;

    private DockerPostgres() {
    }

    /** True when tests should run PostgreSQL in Docker. Never throws, and answers fast without Docker. */
    static boolean shouldUse() {
        String forced = System.getProperty(BACKEND_PROPERTY, "auto");
        if (forced.equals("local")) {
            return false;
        }
        if (forced.equals("docker")) {
            return true;
        }
        Boolean result = available;
        if (result == null) {
            result = probe();
            available = result;
        }
        return result;
    }

    static TestPostgres start(LocalPostgres.Builder spec) {
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse("postgres:17"))
                .withUsername("postgres").withPassword("postgres").withDatabaseName("postgres")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", spec.hostAuth());
        List<String> command = new ArrayList<>(List.of("postgres"));
        for (Map.Entry<String, String> s : spec.serverSettings().entrySet()) {
            if (!s.getKey().equals("listen_addresses")) { // inside the container it must stay '*'
                command.add("-c");
                command.add(s.getKey() + "=" + s.getValue());
            }
        }
        container.setCommand(command.toArray(String[]::new));
        container.start();
        TestPostgres pg = new TestPostgres(container.getHost(), container.getMappedPort(5432), null, container::stop);
        try {
            for (Map.Entry<String, String> step : spec.bootstrapStatements()) {
                pg.sql(step.getKey(), step.getValue());
            }
        } catch (RuntimeException e) {
            container.stop();
            throw e;
        }
        return pg;
    }

    /**
     * Skips Testcontainers entirely when there is no sign of a Docker engine: its own probing
     * walks several strategies and logs each failure, which is slow and noisy.
     */
    private static boolean probe() {
        boolean hint = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) { // any failure, including linkage errors, just means "no Docker"
            return false;
        }
    }
}
