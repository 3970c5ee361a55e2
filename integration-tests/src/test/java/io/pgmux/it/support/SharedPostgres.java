package io.pgmux.it.support;

/**
 * One PostgreSQL server for the whole test JVM, started on first use and stopped by a shutdown
 * hook. Starting a server costs about a second; most tests only need a database of their own:
 * <pre>{@code
 * TestPostgres pg = SharedPostgres.get();
 * pg.createDatabase("routing_it", "routing_user");   // role gets password "routing_user"
 * }</pre>
 * Tests must not stop or reconfigure it: those that crash, restart or promote servers start
 * their own ({@link TestPostgres#start}, {@link PostgresCluster#start}). Closing the returned
 * object is a no-op.
 */
public final class SharedPostgres {

    private static TestPostgres server;
    private static TestPostgres view;

    private SharedPostgres() {
    }

    /** The shared server, started on the first call. */
    public static synchronized TestPostgres get() {
        if (view == null) {
            server = TestPostgres.start("shared", builder -> builder.maxConnections(300));
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pgmux-shared-postgres-stop"));
            // Same server, but neither close() nor local() (kill, restart): one test must not pull
            // it from under the others.
            view = new TestPostgres(server.host(), server.port(), null, () -> { });
        }
        return view;
    }
}
