package io.pgmux.routing.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.pgmux.bench.HotPathBench;
import io.pgmux.routing.ReadOnlyClassifier;
import io.pgmux.routing.SessionEffect;
import io.pgmux.routing.SessionStateClassifier;
import io.pgmux.routing.SqlPeek;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/*
 * The SQL classifiers on typical pgbench and pgjdbc statements. SqlPeek runs on every Query and
 * Parse in transaction mode (the byte scan that decides whether anything else needs to look);
 * SessionStateClassifier.classify only when SqlPeek flags session state; ReadOnlyClassifier when
 * read/write splitting is configured (isHarmlessSelect per autocommit read, startsReadOnlyTransaction
 * per BEGIN). Part of HotPathBenches (io.pgmux.bench).
 */
/** JMH benchmark of {@link SqlPeek}, {@link ReadOnlyClassifier} and {@link SessionStateClassifier}. */
public class SqlClassifierBench extends HotPathBench {
    private static final Map<String, String> SQL = Map.of(
            "pgbench_select", "SELECT abalance FROM pgbench_accounts WHERE aid = 48213;",
            "pgbench_update", "UPDATE pgbench_accounts SET abalance = abalance + -2816 WHERE aid = 742133;",
            "jdbc_select", "select o.id, o.status, o.total from orders o where o.customer_id = $1 and o.created_at > $2 order by o.created_at desc limit 50",
            "begin", "BEGIN",
            "set_app_name", "SET application_name = 'PostgreSQL JDBC Driver'");

    @Param({"pgbench_select", "pgbench_update", "jdbc_select", "begin", "set_app_name"})
    public String statement;

    private String sql;
    private ByteBuf query;
    private final ReadOnlyClassifier readOnly = new ReadOnlyClassifier(List.of());
    private final SessionStateClassifier sessionState = new SessionStateClassifier(List.of("search_path"));

    @Setup(Level.Trial)
    public void setup() {
        sql = SQL.get(statement);
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        query = PooledByteBufAllocator.DEFAULT.directBuffer(b.length + 6);
        query.writeByte('Q').writeInt(4 + b.length + 1).writeBytes(b).writeByte(0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        query.release();
    }

    /** The byte scan on the Query message as it sits in the receive buffer (every Query and Parse). */
    @Benchmark
    public int sqlPeek() {
        return SqlPeek.peek(query, 5, query.writerIndex());
    }

    /** Full session-state classification (runs only when sqlPeek flags the statement). */
    @Benchmark
    public SessionEffect sessionStateClassify() {
        return sessionState.classify(sql);
    }

    /** Read/write splitting: may this autocommit statement go to a replica? */
    @Benchmark
    public boolean readOnlyIsHarmlessSelect() {
        return readOnly.isHarmlessSelect(sql);
    }

    /** Read/write splitting: does this statement open a READ ONLY transaction? */
    @Benchmark
    public boolean readOnlyStartsTransaction() {
        return readOnly.startsReadOnlyTransaction(sql);
    }
}
