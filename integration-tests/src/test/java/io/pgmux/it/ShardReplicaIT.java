package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import io.pgmux.it.support.Jdbc;
import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PostgresCluster;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicas per shard (sharding issue, item 5): shard 0 is a primary with a streaming replica,
 * shard 1 a primary alone, and the database's one {@code routing:} block applies to each shard.
 * Where a statement ran is asked of the server ({@code inet_server_port()}, {@code pg_is_in_recovery()}).
 */
class ShardReplicaIT {
    private static final String DB = "sharded";
    private static final String USER = "shard_app";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String WHERE = "SELECT inet_server_port(), pg_is_in_recovery() FROM accounts WHERE id = ?";

    static PostgresCluster shard0;
    static TestPostgres shard1;
    static Pgmux pgmux;
    /** An id on each shard, as PostgreSQL's hash partitioning of the shards' tables places it. */
    static final Map<Integer, Long> ID_ON = new HashMap<>();

    @BeforeAll
    static void start() {
        String[] bootstrap = {"CREATE ROLE " + USER + " LOGIN PASSWORD '" + USER + "'",
            "CREATE DATABASE " + DB + " OWNER " + USER};
        shard0 = PostgresCluster.start("shardrep0", 1, b -> b.bootstrapSql(bootstrap).bootstrapSqlIn(DB, table(0)));
        shard1 = TestPostgres.startLocal("shardrep1", b -> b.bootstrapSql(bootstrap).bootstrapSqlIn(DB, table(1)));
        pgmux = Pgmux.start("""
                listen: 127.0.0.1:0
                users:
                  - { name: %1$s, password: %1$s }
                databases:
                  %2$s:
                    pool: { mode: transaction, size: 4 }
                    routing: { autocommit_selects: replica, health_check_interval: 200ms, health_check_timeout: 5s }
                    sharding: { function: pg_hash, key_type: integer, tables: { accounts: id } }
                    shards:
                      - { primary: %3$s, replicas: [ %4$s ] }
                      - { primary: %5$s }
                """.formatted(USER, DB, url(shard0.primary()), url(shard0.replica(1)), url(shard1)));
        // ids 1..20 were inserted on both servers; each keeps only its own partition's rows
        for (long id = 1; id <= 20 && ID_ON.size() < 2; id++) {
            int shard = shard0.primary().queryString(DB, "SELECT count(*) FROM accounts WHERE id = " + id).equals("1") ? 0 : 1;
            ID_ON.putIfAbsent(shard, id);
        }
        assertEquals(2, ID_ON.size(), "ids on both shards");
    }

    /** The accounts table of shard {@code i}: hash-partitioned, holding only its own partition (remainder i of 2). */
    private static String table(int i) {
        return "SET ROLE " + USER + "; CREATE TABLE accounts (id bigint NOT NULL, balance bigint NOT NULL) PARTITION BY HASH (id);"
                + " CREATE TABLE accounts_p" + i + " PARTITION OF accounts FOR VALUES WITH (MODULUS 2, REMAINDER " + i + ");"
                + " INSERT INTO accounts SELECT g, 100 FROM generate_series(1, 20) g"
                + " WHERE satisfies_hash_partition('accounts'::regclass, 2, " + i + ", g::bigint)";
    }

    private static String url(TestPostgres server) {
        return "postgres://%1$s:%1$s@127.0.0.1:%2$d/%3$s".formatted(USER, server.port(), DB);
    }

    @AfterAll
    static void stop() {
        if (pgmux != null) {
            pgmux.close();
        }
        if (shard1 != null) {
            shard1.close();
        }
        if (shard0 != null) {
            shard0.close();
        }
    }

    /** The port and recovery state of the server that answered {@link #WHERE} for {@code id}. */
    private static String where(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(WHERE)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "a row for id " + id);
                return rs.getInt(1) + (rs.getBoolean(2) ? " replica" : " primary");
            }
        }
    }

    @Test
    void eachShardSplitsReadsAndWritesByTheDatabasesRoutingRules() throws Exception {
        String replica0 = shard0.replica(1).port() + " replica";
        String primary0 = shard0.primary().port() + " primary";
        String primary1 = shard1.port() + " primary";
        try (Connection c = pgmux.connect(DB, USER, USER, Jdbc.props())) {
            // the monitor must have seen shard 0's replica up before reads go to it
            Eventually.await(TIMEOUT, "a keyed read on shard 0's replica", () -> Jdbc.unchecked(() -> where(c, ID_ON.get(0))),
                    replica0::equals);
            for (int i = 0; i < 8; i++) { // past pgjdbc's prepareThreshold: named statements too
                assertEquals(replica0, where(c, ID_ON.get(0)), "autocommit read, shard 0");
                assertEquals(primary1, where(c, ID_ON.get(1)), "shard 1 has no replica: its primary reads");
            }
            c.setAutoCommit(false);
            try (PreparedStatement up = c.prepareStatement("UPDATE accounts SET balance = balance + 1 WHERE id = ?")) {
                up.setLong(1, ID_ON.get(0));
                assertEquals(1, up.executeUpdate());
            }
            assertEquals(primary0, where(c, ID_ON.get(0)), "a write transaction stays on shard 0's primary");
            c.commit();
            c.setReadOnly(true);
            assertEquals(replica0, where(c, ID_ON.get(0)), "a read-only transaction on shard 0 goes to its replica");
            c.commit();
            c.setReadOnly(false);
            c.setAutoCommit(true);
        }
        assertEquals("101", shard0.primary().queryString(DB, "SELECT balance FROM accounts WHERE id = " + ID_ON.get(0)));
        assertEquals("100", shard1.queryString(DB, "SELECT min(balance) FROM accounts"), "nothing written on shard 1");
    }
}
