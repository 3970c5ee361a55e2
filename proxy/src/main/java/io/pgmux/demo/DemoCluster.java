package io.pgmux.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The topology behind {@code pgmux demo}: four local PostgreSQL servers.
 * <ul>
 *   <li>primary (default port {@value #PRIMARY_PORT}) with database {@code app} holding a demo
 *       table {@code items(id serial primary key, name text)} with 3 rows;</li>
 *   <li>a streaming replica of it ({@value #REPLICA_PORT});</li>
 *   <li>two shards ({@value #SHARD1_PORT}, {@value #SHARD2_PORT}) with database {@code orders}.</li>
 * </ul>
 * Every server has login role {@code app}/{@code app} (SCRAM) owning its database, and superuser
 * {@code postgres}/{@code postgres}. A default port that is taken is replaced by a free one, so
 * read the actual ports from the accessors. Data lives under
 * {@code ${java.io.tmpdir}/pgmux-demo-<random>/} and is deleted by {@link #close()}.
 */
public final class DemoCluster implements AutoCloseable {

    public static final int PRIMARY_PORT = 55432;
    public static final int REPLICA_PORT = 55433;
    public static final int SHARD1_PORT = 55441;
    public static final int SHARD2_PORT = 55442;

    private static final System.Logger LOG = System.getLogger(DemoCluster.class.getName());
    private static final String APP_ROLE = "CREATE ROLE app LOGIN PASSWORD 'app'";

    private final PostgresBinaries binaries;
    private final List<LocalPostgres> servers = new ArrayList<>();
    private Path baseDir;
    private LocalPostgres primary;
    private LocalPostgres replica;
    private final List<LocalPostgres> shards = new ArrayList<>();

    /** A cluster using {@link PostgresBinaries#locate()}. */
    public DemoCluster() {
        this(PostgresBinaries.locate());
    }

    public DemoCluster(PostgresBinaries binaries) {
        this.binaries = binaries;
    }

    /**
     * Creates and starts all four servers and waits until the replica streams. On failure
     * everything started so far is stopped and removed before the exception propagates.
     */
    public synchronized DemoCluster start() {
        if (primary != null) {
            throw new IllegalStateException("demo cluster already started");
        }
        long t0 = System.nanoTime();
        try {
            baseDir = PgUser.current().createOwnedDir(
                    Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "pgmux-demo-"));
            primary = add(server("primary", PRIMARY_PORT)
                    .bootstrapSql(APP_ROLE, "CREATE DATABASE app OWNER app")
                    .bootstrapSqlIn("app",
                            "CREATE TABLE IF NOT EXISTS items(id serial primary key, name text)",
                            "ALTER TABLE items OWNER TO app",
                            "INSERT INTO items(name) VALUES ('apple'), ('banana'), ('cherry')"));
            shards.add(add(shard("shard1", SHARD1_PORT)));
            shards.add(add(shard("shard2", SHARD2_PORT)));
            // initdb dominates start-up time; the three independent clusters are built in parallel.
            inParallel(List.of(primary, shards.get(0), shards.get(1)), LocalPostgres::initialize);
            replica = primary.replica("replica", FreePorts.preferred(REPLICA_PORT));
            servers.add(replica);
            // Primary first: a replica that finds no primary retries only every 5 s.
            primary.start();
            inParallel(List.of(replica, shards.get(0), shards.get(1)), LocalPostgres::start);
            replica.waitForReplication(Duration.ofSeconds(30));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create the demo directory", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "demo cluster up in {0} ms: {1}", (System.nanoTime() - t0) / 1_000_000,
                describe());
        return this;
    }

    public LocalPostgres primary() {
        return require(primary);
    }

    public LocalPostgres replica() {
        return require(replica);
    }

    /** The two shard servers, in order. */
    public List<LocalPostgres> shards() {
        require(primary);
        return List.copyOf(shards);
    }

    public int primaryPort() {
        return primary().port();
    }

    public int replicaPort() {
        return replica().port();
    }

    /** Ports of shard 1 and shard 2. */
    public List<Integer> shardPorts() {
        return shards().stream().map(LocalPostgres::port).toList();
    }

    /**
     * One-line summary for humans, e.g. {@code primary 127.0.0.1:55432, replica 127.0.0.1:55433,
     * shards 127.0.0.1:55441 and 127.0.0.1:55442 (role app/app, superuser postgres/postgres;
     * data under /tmp/pgmux-demo-123)}.
     */
    public String describe() {
        return "primary 127.0.0.1:" + primaryPort() + ", replica 127.0.0.1:" + replicaPort()
                + ", shards 127.0.0.1:" + shardPorts().get(0) + " and 127.0.0.1:" + shardPorts().get(1)
                + " (role app/app, superuser postgres/postgres; data under " + baseDir + ")";
    }

    /** Directory holding all four servers' data. */
    public Path baseDir() {
        return baseDir;
    }

    /** Stops every server (replica first) and deletes all data. Safe to call more than once. */
    @Override
    public synchronized void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing {0} failed: {1}", servers.get(i), e.getMessage());
            }
        }
        servers.clear();
        PgUser.deleteTree(baseDir);
    }

    private LocalPostgres.Builder server(String name, int preferredPort) {
        return LocalPostgres.builder().name(name).port(FreePorts.preferred(preferredPort))
                .parentDir(baseDir).binaries(binaries);
    }

    private LocalPostgres.Builder shard(String name, int preferredPort) {
        return server(name, preferredPort).bootstrapSql(APP_ROLE, "CREATE DATABASE orders OWNER app");
    }

    private LocalPostgres add(LocalPostgres.Builder builder) {
        LocalPostgres server = builder.build();
        servers.add(server);
        return server;
    }

    private static void inParallel(List<LocalPostgres> targets, java.util.function.Consumer<LocalPostgres> action) {
        ExecutorService pool = Executors.newFixedThreadPool(targets.size());
        try {
            CompletableFuture.allOf(targets.stream()
                    .map(s -> CompletableFuture.runAsync(() -> action.accept(s), pool))
                    .toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            pool.shutdown();
        }
    }

    private static <T> T require(T value) {
        if (value == null) {
            throw new IllegalStateException("demo cluster not started");
        }
        return value;
    }
}
