package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.config.ShardingConfig.KeyType;
import io.pgmux.config.ShardingConfig.NoKey;
import io.pgmux.config.ShardingConfig.ShardFunction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A sharded database: {@code sharding:} and {@code shards:}, their defaults and their validation. */
class ShardingConfigTest {

    /** The example of the sharding issue and docs/sharding.md, word for word. */
    private static final String ORDERS = """
            databases:
              orders:
                pool: { mode: transaction, size: 10 }
                sharding:
                  function: pg_hash          # pg_hash | modulo
                  tables: { orders: customer_id, order_lines: customer_id }   # table -> sharding column
                  default_column: customer_id
                  no_key: scatter            # scatter | error
                shards:
                  - { primary: postgres://app:app@127.0.0.1:5441/orders, replicas: [] }
                  - { primary: postgres://app:app@127.0.0.1:5442/orders }
            """;

    private static BackendUrl url(int port) {
        return new BackendUrl("127.0.0.1", port, "orders", "app", "app", Map.of());
    }

    private static DatabaseConfig orders(String yaml) {
        return parse(yaml).database("orders").orElseThrow();
    }

    /** Database {@code orders} with two shards and {@code sharding:} on line 3; {@code block} goes under it. */
    private static String withSharding(String block) {
        return """
                databases:
                  orders:
                    sharding:
                """ + block.indent(6) + """
                    shards:
                      - { primary: postgres://s0/orders }
                      - { primary: postgres://s1/orders }
                """;
    }

    private static ShardingConfig sharding(String block) {
        return orders(withSharding(block)).sharding().orElseThrow();
    }

    @Test
    void theIssueExampleLoads() {
        DatabaseConfig db = orders(ORDERS);
        assertTrue(db.isSharded());
        ShardingConfig s = db.sharding().orElseThrow();
        assertEquals(ShardFunction.PG_HASH, s.function());
        assertEquals(KeyType.INTEGER, s.keyType());
        assertEquals(List.of("orders", "order_lines"), List.copyOf(s.tables().keySet()), "file order is kept");
        assertEquals(Map.of("orders", "customer_id", "order_lines", "customer_id"), s.tables());
        assertEquals(Optional.of("customer_id"), s.defaultColumn());
        assertEquals(NoKey.SCATTER, s.noKey());
        assertEquals(ShardingConfig.DEFAULT_MAX_SCATTER_ROWS, s.maxScatterRows());
        assertEquals(List.of(new ShardConfig(url(5441), List.of()), new ShardConfig(url(5442), List.of())),
                db.shards());
        assertEquals(10, db.pool().size());
        assertEquals(RoutingConfig.defaults(), db.routing());
    }

    @Test
    void singlePrimaryCodeSeesShardZero() {
        DatabaseConfig db = orders(ORDERS.replace("replicas: []",
                "replicas: [postgres://app:app@127.0.0.1:5451/orders]"));
        assertEquals(url(5441), db.primary());
        assertEquals(List.of(url(5451)), db.replicas());
        assertEquals(List.of(1), db.replicaWeights());
    }

    @Test
    void aPlainDatabaseIsOneShardWithoutSharding() {
        DatabaseConfig db = parse("databases: { app: { primary: postgres://h/app, replicas: [postgres://r/app] } }")
                .database("app").orElseThrow();
        assertFalse(db.isSharded());
        assertEquals(Optional.empty(), db.sharding());
        assertEquals(List.of(new ShardConfig(db.primary(), db.replicas())), db.shards());
    }

    @Test
    void defaults() {
        ShardingConfig d = ShardingConfig.defaults();
        assertEquals(ShardFunction.PG_HASH, d.function());
        assertEquals(KeyType.INTEGER, d.keyType());
        assertEquals(Map.of(), d.tables());
        assertEquals(Optional.empty(), d.defaultColumn());
        assertEquals(NoKey.SCATTER, d.noKey());
        assertEquals(100_000, d.maxScatterRows());
        assertEquals(d, sharding(""), "an empty sharding block");
        assertEquals(d, sharding("{}"));
    }

    @Test
    void everyKey() {
        ShardingConfig s = sharding("""
                function: modulo
                key_type: integer
                tables: { orders: customer_id }
                default_column: tenant_id
                no_key: error
                max_scatter_rows: 5000
                """);
        assertEquals(new ShardingConfig(ShardFunction.MODULO, KeyType.INTEGER, Map.of("orders", "customer_id"),
                Optional.of("tenant_id"), NoKey.ERROR, 5000), s);
    }

    @Test
    void choicesIgnoreCase() {
        ShardingConfig s = sharding("{ function: PG_HASH, key_type: Uuid, no_key: Error }");
        assertEquals(ShardFunction.PG_HASH, s.function());
        assertEquals(KeyType.UUID, s.keyType());
        assertEquals(NoKey.ERROR, s.noKey());
        assertEquals(KeyType.TEXT, sharding("key_type: TEXT").keyType());
    }

    @Test
    void namesAreFoldedAsPostgresFoldsIdentifiers() {
        ShardingConfig s = sharding("""
                tables:
                  Orders: Customer_ID
                  '"Order Lines"': '"CustomerId"'
                  '"say ""hi""\"': x$1
                  Bestellungen_Ä: kunde
                default_column: TENANT
                """);
        assertEquals(Map.of("orders", "customer_id", "Order Lines", "CustomerId", "say \"hi\"", "x$1",
                "bestellungen_Ä", "kunde"), s.tables());
        assertEquals(Optional.of("tenant"), s.defaultColumn());
    }

    @Test
    void columnForFallsBackToTheDefaultColumn() {
        ShardingConfig s = orders(ORDERS).sharding().orElseThrow();
        assertEquals(Optional.of("customer_id"), s.columnFor("orders"));
        assertEquals(Optional.of("customer_id"), s.columnFor("invoices"));
        ShardingConfig noDefault = sharding("tables: { orders: customer_id }");
        assertEquals(Optional.of("customer_id"), noDefault.columnFor("orders"));
        assertEquals(Optional.empty(), noDefault.columnFor("invoices"));
        assertEquals(Optional.empty(), sharding("default_column: ''").defaultColumn(), "empty means none");
    }

    @Test
    void shardReplicasTakeWeightsLikeDatabaseReplicas() {
        DatabaseConfig db = orders("""
                databases:
                  orders:
                    sharding: { function: pg_hash }
                    routing: { autocommit_selects: replica }
                    shards:
                      - primary: postgres://s0/orders
                        replicas: [postgres://s0r1/orders, { url: postgres://s0r2/orders, weight: 3 }]
                      - primary: postgres://s1/orders
                        replicas:
                          - { url: postgres://s1r1/orders, weight: 2 }
                """);
        assertEquals(List.of(1, 3), db.shards().get(0).replicaWeights());
        assertEquals(List.of(2), db.shards().get(1).replicaWeights());
        assertEquals("s1r1", db.shards().get(1).replicas().get(0).host());
        assertEquals(db.shards().get(0).replicaWeights(), db.replicaWeights());
        assertEquals(RoutingConfig.Target.REPLICA, db.routing().autocommitSelects(),
                "one routing block for all shards");
    }

    @Test
    void oneShardIsAllowed() {
        DatabaseConfig db = orders("databases: { orders: { sharding: {}, shards: [ { primary: postgres://s0 } ] } }");
        assertTrue(db.isSharded());
        assertEquals(1, db.shards().size());
        assertEquals("orders", db.primary().database(), "the database defaults to the entry's name");
    }

    @Test
    void aShardedDatabaseHasNoTopLevelServers() {
        assertProblems("""
                databases:
                  orders:
                    primary: postgres://h/orders
                    replicas: [postgres://r/orders]
                    sharding: {}
                    shards: [ { primary: postgres://s0 } ]
                """,
                "t.yaml:3:5: databases.orders.primary: " + ShardingMapper.PRIMARY_WITH_SHARDS,
                "t.yaml:4:5: databases.orders.replicas: " + ShardingMapper.REPLICAS_WITH_SHARDS);
    }

    @Test
    void shardsAndShardingGoTogether() {
        assertProblems("""
                databases:
                  a:
                    shards: [ { primary: postgres://s0 } ]
                  b:
                    primary: postgres://h
                    sharding: { function: modulo }
                  c:
                    sharding: {}
                    shards: []
                """,
                "t.yaml:3:5: databases.a.shards: " + ShardingMapper.SHARDS_WITHOUT_SHARDING,
                "t.yaml:5:5: databases.b.primary: " + ShardingMapper.PRIMARY_WITH_SHARDS,
                "t.yaml:6:5: databases.b.sharding: " + ShardingMapper.SHARDING_WITHOUT_SHARDS,
                "t.yaml:9:5: databases.c.shards: " + ShardingMapper.NO_SHARDS);
    }

    @Test
    void schemaErrorsInShardsAndSharding() {
        assertProblems("""
                databases:
                  orders:
                    sharding:
                      fuction: pg_hash
                      function: sha1
                      key_type: bigint
                      no_key: random
                      max_scatter_rows: lots
                      tables: [orders]
                    shards:
                      - { replicas: [] }
                      - { primary: postgres://s1, replica: [] }
                      - postgres://s2
                """,
                "t.yaml:4:7: databases.orders.sharding.fuction: unknown key 'fuction' (did you mean 'function'?)",
                "t.yaml:5:7: databases.orders.sharding.function: expected one of pg_hash, modulo",
                "t.yaml:6:7: databases.orders.sharding.key_type: expected one of integer, text, uuid",
                "t.yaml:7:7: databases.orders.sharding.no_key: expected one of scatter, error",
                "t.yaml:8:7: databases.orders.sharding.max_scatter_rows: expected a number",
                "t.yaml:9:7: databases.orders.sharding.tables: expected a mapping",
                "t.yaml:11:9: databases.orders.shards[0]: missing required key 'primary'",
                "t.yaml:12:35: databases.orders.shards[1].replica: unknown key 'replica' (did you mean 'replicas'?)",
                "t.yaml:13:9: databases.orders.shards[2]: expected a mapping");
    }

    @Test
    void tableAndColumnNamesMustBeIdentifiers() {
        assertProblems(withSharding("""
                tables:
                  public.orders: customer_id
                  lines: customer id
                  '"unclosed': c
                  '': c
                  ORDERS: customer_id
                  orders: other
                default_column: 1st
                """),
                "t.yaml:5:9: databases.orders.sharding.tables.public.orders: table name: " + Identifiers.EXPECTED,
                "t.yaml:6:9: databases.orders.sharding.tables.lines: column name: " + Identifiers.EXPECTED,
                "t.yaml:7:9: databases.orders.sharding.tables.\"unclosed: table name: " + Identifiers.EXPECTED,
                "t.yaml:8:9: databases.orders.sharding.tables.: table name: must not be empty",
                "t.yaml:10:9: databases.orders.sharding.tables.orders: table 'orders' is already listed (line 9);"
                        + " unquoted names are folded to lower case",
                "t.yaml:11:7: databases.orders.sharding.default_column: " + Identifiers.EXPECTED);
    }

    @Test
    void namesLongerThanPostgresKeepsAreRefused() {
        String long64 = "t".repeat(64);
        assertProblems(withSharding("tables: { " + long64 + ": c, " + "u".repeat(63) + ": c }"),
                "t.yaml:4:17: databases.orders.sharding.tables." + long64
                        + ": table name: longer than 63 bytes: PostgreSQL would truncate it");
    }

    @Test
    void moduloNeedsIntegerKeys() {
        assertEquals(KeyType.INTEGER, sharding("function: modulo").keyType());
        assertProblems(withSharding("{ function: modulo, key_type: text }"),
                "t.yaml:4:27: databases.orders.sharding.key_type: " + ShardingRules.MODULO_NEEDS_INTEGER);
    }

    @Test
    void maxScatterRowsIsAtLeastOne() {
        assertProblems(withSharding("max_scatter_rows: 0"),
                "t.yaml:4:7: databases.orders.sharding.max_scatter_rows: must be at least 1");
    }

    @Test
    void shardReplicaWeightsAreCheckedWhereTheyAreWritten() {
        assertProblems("""
                databases:
                  orders:
                    sharding: {}
                    shards:
                      - { primary: postgres://s0 }
                      - { primary: postgres://s1, replicas: [ { url: postgres://r1, weight: 0 } ] }
                """,
                "t.yaml:6:69: databases.orders.shards[1].replicas[0].weight: must be between 1 and 1000");
    }

    @Test
    void eachShardIsItsOwnServer() {
        assertProblems("""
                databases:
                  orders:
                    sharding: {}
                    shards:
                      - { primary: postgres://s0:5432/orders, replicas: [postgres://r0/orders] }
                      - { primary: postgres://s1/orders_1 }
                      - { primary: postgres://S0/orders, replicas: [postgres://s1/orders_2, postgres://r0:5432] }
                """,
                "t.yaml:7:11: databases.orders.shards[2].primary: same server and database as in shards[0]:"
                        + " each shard needs its own",
                "t.yaml:7:77: databases.orders.shards[2].replicas[1]: same server and database as in shards[0]:"
                        + " each shard needs its own");
    }

    @Test
    void recordsBuiltInCodeKeepShardZeroAsThePrimary() {
        PoolConfig pool = PoolConfig.defaults();
        List<ShardConfig> shards = List.of(new ShardConfig(url(5441), List.of(url(5451)), List.of(2)),
                new ShardConfig(url(5442), List.of()));
        DatabaseConfig db = DatabaseConfig.sharded("orders", pool, SessionStatePolicy.PIN, RoutingConfig.defaults(),
                ShardingConfig.defaults(), shards);
        assertEquals(url(5441), db.primary());
        assertEquals(List.of(url(5451)), db.replicas());
        assertEquals(List.of(2), db.replicaWeights());

        PoolConfig bigger = new PoolConfig(pool.mode(), 50, pool.minIdle(), pool.maxLifetime(), pool.idleTimeout(),
                pool.connectTimeout(), pool.serverResetQuery(), pool.maxPreparedStatements(),
                pool.trackExtraParameters());
        DatabaseConfig resized = db.withPool(bigger);
        assertEquals(50, resized.pool().size());
        assertEquals(db.shards(), resized.shards());
        assertEquals(db.sharding(), resized.sharding());

        assertThrows(IllegalArgumentException.class, () -> new DatabaseConfig("orders", pool, url(5442), List.of(),
                SessionStatePolicy.PIN, List.of(), RoutingConfig.defaults(), Optional.of(ShardingConfig.defaults()),
                shards), "primary must be shard 0's");
        assertThrows(IllegalArgumentException.class, () -> new DatabaseConfig("orders", pool, url(5441), List.of(),
                SessionStatePolicy.PIN, List.of(), RoutingConfig.defaults(), Optional.empty(),
                List.of(new ShardConfig(url(5441), List.of()), new ShardConfig(url(5442), List.of()))),
                "several shards need sharding");
        assertThrows(IllegalArgumentException.class, () -> DatabaseConfig.sharded("orders", pool,
                SessionStatePolicy.PIN, RoutingConfig.defaults(), ShardingConfig.defaults(), List.of()));
    }
}
