package io.pgmux.it.support;

import io.pgmux.demo.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running PostgreSQL server for a test: superuser {@code postgres}/{@code postgres}, reached
 * over TCP at {@link #host()}:{@link #port()}.
 *
 * <p>Backed by a {@code postgres:17} Testcontainer when Docker is available, otherwise (the usual
 * case here) by a {@link LocalPostgres} from the build's own binaries. Tests that need to crash,
 * restart or promote a server use {@link #local()}, or {@link PostgresCluster} for replicas.
 * Prefer {@link SharedPostgres#get()} plus {@link #createDatabase} over starting a server.
 */
public final class TestPostgres implements AutoCloseable {

    private final String host;
    private final int port;
    private final LocalPostgres local;
    private final AutoCloseable shutdown;

    TestPostgres(String host, int port, LocalPostgres local, AutoCloseable shutdown) {
        this.host = host;
        this.port = port;
        this.local = local;
        this.shutdown = shutdown;
    }

    /** A default server (fast settings). */
    public static TestPostgres start(String name) {
        return start(name, builder -> { });
    }

    /**
     * Starts a server configured by {@code customizer}; the builder arrives with {@code name} and
     * {@link LocalPostgres.Builder#fast()} already set. In Docker, settings, {@code hostAuth} and
     * bootstrap SQL are honoured; directory and binaries options are not.
     */
    public static TestPostgres start(String name, Consumer<LocalPostgres.Builder> customizer) {
        if (DockerPostgres.shouldUse()) {
            LocalPostgres.Builder builder = LocalPostgres.builder().name(name).fast();
            customizer.accept(builder);
            return DockerPostgres.start(builder);
        }
        return startLocal(name, customizer);
    }

    /** As {@link #start}, but always a {@link LocalPostgres}: for tests that kill, restart or promote. */
    public static TestPostgres startLocal(String name, Consumer<LocalPostgres.Builder> customizer) {
        LocalPostgres.Builder builder = LocalPostgres.builder().name(name).fast();
        customizer.accept(builder);
        LocalPostgres server = builder.build();
        try {
            return wrap(server.start());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Views a running {@link LocalPostgres} as a TestPostgres; closing it closes the server. */
    public static TestPostgres wrap(LocalPostgres server) {
        return new TestPostgres(server.host(), server.port(), server, server);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The local server, when not running in Docker: for kill, restart, promote. */
    public Optional<LocalPostgres> local() {
        return Optional.ofNullable(local);
    }

    /** A new connection as superuser {@code postgres}. */
    public Connection superuser(String database) throws SQLException {
        return connect(database, "postgres", "postgres");
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    /** Runs each statement as superuser in {@code database}, autocommit, one transaction each. */
    public void sql(String database, String... statements) {
        try (Connection c = superuser(database); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + jdbcUrl(database) + ": " + e.getMessage(), e);
        }
    }

    /** First column of the first row, as text (null when there is no row). */
    public String queryString(String database, String query) {
        try (Connection c = superuser(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + jdbcUrl(database) + ": " + e.getMessage(), e);
        }
    }

    /** Creates login role {@code name} with {@code password}, or resets the password if it exists. */
    public void createRole(String name, String password) {
        boolean exists = queryString("postgres", "SELECT 1 FROM pg_roles WHERE rolname = '" + ident(name) + "'") != null;
        sql("postgres", (exists ? "ALTER" : "CREATE") + " ROLE " + ident(name) + " LOGIN PASSWORD '"
                + password.replace("'", "''") + "'");
    }

    /** (Re)creates database {@code name} owned by {@code owner} (created with password = name if missing). */
    public void createDatabase(String name, String owner) {
        if (queryString("postgres", "SELECT 1 FROM pg_roles WHERE rolname = '" + ident(owner) + "'") == null) {
            createRole(owner, owner);
        }
        sql("postgres", "DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)",
                "CREATE DATABASE " + ident(name) + " OWNER " + ident(owner));
    }

    /** Stops the server and removes its data. */
    @Override
    public void close() {
        try {
            shutdown.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop " + this, e);
        }
    }

    @Override
    public String toString() {
        return "TestPostgres[" + host + ":" + port + "]";
    }

    private static String ident(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("use a plain lower-case identifier: " + name);
        }
        return name;
    }
}
