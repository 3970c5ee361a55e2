package io.pgmux.sharding.bench;

import io.pgmux.sharding.KeyType;
import io.pgmux.sharding.PgHash;
import io.pgmux.sharding.ShardHint;
import io.pgmux.sharding.ShardKeyColumns;
import io.pgmux.sharding.ShardKeyExtractor;
import io.pgmux.sharding.ShardKeyValue;
import io.pgmux.sharding.ShardResolver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/*
 * The per-query CPU cost of shard routing: key extraction from typical queries, then extraction
 * plus resolving the key to a shard with pg_hash. Run (about 90 s, one fork; prints µs/op):
 *
 *   mvn -o -q -pl proxy -am -Pjmh -DskipTests test
 *
 * or, after any test-compile, by hand:
 *
 *   mvn -o -q -pl proxy dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp proxy/target/test-classes:proxy/target/classes:$(cat /tmp/cp.txt) io.pgmux.sharding.bench.ShardKeyBench
 *
 * Not a test: surefire runs *Test classes only.
 */
/** JMH benchmark of {@link ShardKeyExtractor} and {@link PgHash} on typical queries. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ShardKeyBench {
    private static final Map<String, String> QUERIES = Map.of(
            "select_param", "SELECT id, status, total FROM orders WHERE customer_id = $1",
            "select_literal_join", "SELECT o.id, l.sku, l.qty FROM orders o JOIN order_lines l ON l.order_id = o.id"
                    + " WHERE o.customer_id = 42 AND o.status = 'open' ORDER BY o.created_at DESC LIMIT 20",
            "update", "UPDATE orders SET status = $1, updated_at = now() WHERE id = $2 AND customer_id = $3",
            "insert_3_rows", "INSERT INTO order_lines (order_id, customer_id, sku, qty) VALUES"
                    + " ($1, $2, $3, $4), ($5, $2, $6, $7), ($8, $2, $9, $10)",
            "in_list", "SELECT * FROM orders WHERE customer_id IN (1, 2, 3, 4, 5) AND status <> 'void'",
            "comment_hint", "/* pgmux: shard_key=42 */ SELECT count(*) FROM orders WHERE status = 'open'",
            "no_key_pgbench", "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2");

    @Param({"select_param", "select_literal_join", "update", "insert_3_rows", "in_list", "comment_hint",
            "no_key_pgbench"})
    public String query;

    private String sql;
    private final ShardKeyExtractor extractor = new ShardKeyExtractor(new ShardKeyColumns(
            Map.of("orders", "customer_id", "order_lines", "customer_id"), "customer_id"));
    private final ShardResolver resolver = new ShardResolver(PgHash.INSTANCE, KeyType.INTEGER, 4);
    private final ShardResolver.Params params = (index, type) -> new ShardKeyValue.IntegerKey(1000L + index);

    @Setup
    public void setup() {
        sql = QUERIES.get(query);
    }

    /** Reading the key (or hint) from the SQL. */
    @Benchmark
    public ShardHint extract() {
        return extractor.extract(sql);
    }

    /** Reading the key, then hashing every key to its shard as a Bind would make the proxy do. */
    @Benchmark
    public int extractAndHash() {
        ShardHint hint = extractor.extract(sql);
        return hint instanceof ShardHint.Keys keys ? resolver.shardOf(keys.keys(), params) : -1;
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(ShardKeyBench.class.getName()).build()).run();
    }
}
