package io.pgmux.it.support;

import io.pgmux.demo.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A primary with N streaming replicas, all {@link LocalPostgres} (never Docker: replicas are
 * copies of the stopped primary's data directory, see {@link LocalPostgres}).
 *
 * <p>{@link #start} returns once every replica streams and has replayed the primary's bootstrap.
 * After writing on the primary, call {@link #waitForReplica} before reading on a replica.
 */
public final class PostgresCluster implements AutoCloseable {

    /** Upper bound for a replica to catch up; generous for a loaded 2-core CI machine. */
    public static final Duration REPLICA_TIMEOUT = Duration.ofSeconds(30);

    private final TestPostgres primary;
    private final List<TestPostgres> replicas;

    private PostgresCluster(TestPostgres primary, List<TestPostgres> replicas) {
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
    }

    /**
     * Starts {@code name}-primary and {@code name}-replica1..N. The customizer configures the
     * primary (settings, bootstrap SQL), which replicas inherit by being copies of it.
     */
    public static PostgresCluster start(String name, int replicaCount, Consumer<LocalPostgres.Builder> customizer) {
        LocalPostgres.Builder builder = LocalPostgres.builder().name(name + "-primary").fast();
        customizer.accept(builder);
        List<LocalPostgres> started = new ArrayList<>();
        try {
            LocalPostgres primary = builder.build();
            started.add(primary);
            primary.initialize();
            List<LocalPostgres> replicas = new ArrayList<>();
            for (int i = 1; i <= replicaCount; i++) {
                LocalPostgres replica = primary.replica(name + "-replica" + i);
                started.add(replica);
                replicas.add(replica);
            }
            primary.start(); // first: a replica that finds no primary retries only every 5 s
            replicas.forEach(LocalPostgres::start);
            PostgresCluster cluster = new PostgresCluster(TestPostgres.wrap(primary),
                    replicas.stream().map(TestPostgres::wrap).toList());
            cluster.waitForReplicas();
            return cluster;
        } catch (RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            throw e;
        }
    }

    public TestPostgres primary() {
        return primary;
    }

    public List<TestPostgres> replicas() {
        return replicas;
    }

    /** Replica {@code i}, counting from 1 like the server names. */
    public TestPostgres replica(int i) {
        return replicas.get(i - 1);
    }

    /** {@link #waitForReplica} for every replica. */
    public void waitForReplicas() {
        replicas.forEach(this::waitForReplica);
    }

    /**
     * Waits until {@code replica} streams from the primary (per {@code pg_stat_replication} on the
     * primary) and has replayed at least the primary's current WAL position, i.e. everything
     * committed on the primary before this call is visible on the replica.
     *
     * @throws IllegalStateException after {@link #REPLICA_TIMEOUT}, with both servers' log tails
     */
    public void waitForReplica(TestPostgres replica) {
        String appName = replica.local().orElseThrow().name();
        long deadline = System.nanoTime() + REPLICA_TIMEOUT.toNanos();
        String last = "not checked yet";
        try (Connection p = primary.superuser("postgres"); Connection r = replica.superuser("postgres")) {
            String target = single(p, "SELECT pg_current_wal_lsn()::text", null);
            while (System.nanoTime() < deadline) {
                String state = single(p, "SELECT state FROM pg_stat_replication WHERE application_name = ?", appName);
                String caughtUp = single(r, "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", target);
                if ("streaming".equals(state) && "t".equals(caughtUp)) {
                    return;
                }
                last = "state=" + state + ", replayed up to " + target + "=" + caughtUp;
                Thread.sleep(20); // polling interval, not the proof: the checks above are
            }
        } catch (SQLException e) {
            throw new IllegalStateException("checking replication of " + appName + " failed: " + e.getMessage()
                    + logs(replica), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + appName, e);
        }
        throw new IllegalStateException(appName + " did not catch up within " + REPLICA_TIMEOUT.toSeconds()
                + " s (" + last + ")" + logs(replica));
    }

    /** Closes the replicas, then the primary; deletes all data. */
    @Override
    public void close() {
        replicas.forEach(TestPostgres::close);
        primary.close();
    }

    private String logs(TestPostgres replica) {
        return "\n--- primary log ---\n" + primary.local().orElseThrow().logTail(20)
                + "\n--- replica log ---\n" + replica.local().orElseThrow().logTail(20);
    }

    private static String single(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
