package io.pgmux.it.support;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.ProxyConfig;
import io.pgmux.server.ProxyServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * pgmux running in the test JVM on an ephemeral port, configured from YAML text exactly as a user
 * would write it (so config parsing is exercised too). Clients reach it with {@link #connect}.
 */
public final class Pgmux implements AutoCloseable {
    private final ProxyServer server;
    private final int port;

    private Pgmux(ProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts pgmux with {@code yaml}; a {@code listen:} key is added (127.0.0.1:0) unless given, and
     * admin and metrics listeners are off unless given.
     */
    public static Pgmux start(String yaml) {
        String full = yaml;
        if (!hasTopLevelKey(yaml, "listen")) {
            full = "listen: 127.0.0.1:0\n" + full;
        }
        if (!hasTopLevelKey(yaml, "admin")) {
            full = "admin: { listen: off }\n" + full;
        }
        if (!hasTopLevelKey(yaml, "metrics")) {
            full = "metrics: { listen: off }\n" + full;
        }
        try {
            ProxyConfig config = ConfigLoader.parse(full, "<test>");
            ProxyServer server = new ProxyServer(config);
            int port = server.start().getPort();
            return new Pgmux(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("pgmux did not start: " + e.getMessage() + "\n" + full, e);
        }
    }

    /** A line of {@code yaml} starts with {@code key:} (not one nested in another key, like metrics' listen). */
    private static boolean hasTopLevelKey(String yaml, String key) {
        return yaml.lines().anyMatch(line -> line.startsWith(key + ":"));
    }

    /**
     * Starts pgmux from a configuration file, as the command line does: the admin console's RELOAD
     * reads that file again. The file is used as is (no listen keys are added).
     */
    public static Pgmux startFile(Path file) {
        try {
            ProxyServer server = new ProxyServer(ConfigLoader.load(file), file);
            int port = server.start().getPort();
            return new Pgmux(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("pgmux did not start from " + file + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    public ProxyServer server() {
        return server;
    }

    /** The admin console's port (configure {@code admin: { listen: 127.0.0.1:0, users: [...] }}). */
    public int adminPort() {
        return server.adminAddress().getPort();
    }

    /** The metrics endpoint's port (configure {@code metrics: { listen: 127.0.0.1:0 }}). */
    public int metricsPort() {
        return server.metricsAddress().getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        return connect(database, user, password, new Properties());
    }

    public Connection connect(String database, String user, String password, Properties extra) throws SQLException {
        Properties p = new Properties();
        p.putAll(extra);
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(2));
    }
}
