package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The shipped example, {@code config/pgmux.yaml}, loads and says what its comments promise. */
class ExampleConfigTest {

    @Test
    void exampleLoadsWithTheDocumentedValues() throws ConfigException {
        // Surefire runs in the module directory, which is where the example lives.
        ProxyConfig c = ConfigLoader.load(Path.of("pgmux.yaml"), Map.of());
        assertEquals(new HostPort("0.0.0.0", 6432), c.listen());
        assertEquals(0, c.workers());
        assertEquals(Duration.ofSeconds(30), c.shutdownTimeout());
        assertEquals(new AdminConfig(new HostPort("127.0.0.1", 6433), List.of("admin")), c.admin());
        assertEquals(new MetricsConfig(new HostPort("127.0.0.1", 9930)), c.metrics());
        assertEquals(new LimitsConfig(10000, Duration.ofSeconds(30), 256 << 20, Duration.ofSeconds(30), 10000),
                c.limits());
        assertEquals(LogConfig.defaults(), c.log());
        assertEquals(TlsConfig.defaults(), c.tls(), "the tls block is commented out: the demo runs without TLS");
        assertEquals(List.of(new UserConfig("app", Secret.of("app"), AuthMethod.SCRAM_SHA_256),
                new UserConfig("admin", Secret.of("admin"), AuthMethod.SCRAM_SHA_256)), c.users());
        assertEquals(List.of("app"), List.copyOf(c.databases().keySet()));
        assertEquals(List.of(), c.hba(), "the hba block is commented out: everyone may log in");
        DatabaseConfig app = c.database("app").orElseThrow();
        PoolConfig builtIn = PoolConfig.defaults();
        assertEquals(new PoolConfig(PoolMode.TRANSACTION, 20, 2, builtIn.maxLifetime(), builtIn.idleTimeout(),
                builtIn.connectTimeout(), "DISCARD ALL", 200, List.of()), app.pool());
        assertEquals("postgres://app:***@127.0.0.1:5432/app", app.primary().toString());
        assertEquals(new BackendUrl("127.0.0.1", 5432, "app", "app", "app", Map.of()), app.primary());
        assertEquals(List.of(new BackendUrl("127.0.0.1", 5433, "app", "app", "app", Map.of())), app.replicas());
        assertEquals(List.of(1), app.replicaWeights());
        assertEquals(RoutingConfig.defaults(), app.routing(), "the routing block is commented out, with the defaults");
        assertEquals(BreakerConfig.defaults(), app.breaker(), "the breaker block is commented out, with the defaults");
    }

    /** The example with the commented block {@code name:} of database {@code app} and its key lines uncommented. */
    private static String uncommentDatabaseBlock(String name) throws Exception {
        // uncomment "    # <name>:" and the "    #   key: value" lines under it
        StringBuilder yaml = new StringBuilder();
        boolean inBlock = false;
        for (String line : Files.readString(Path.of("pgmux.yaml")).split("\n", -1)) {
            if (line.equals("    # " + name + ":")) {
                inBlock = true;
                yaml.append("    ").append(name).append(":\n");
            } else if (inBlock && line.startsWith("    #   ")) {
                yaml.append("      ").append(line.substring(8)).append('\n');
            } else {
                inBlock = false;
                yaml.append(line).append('\n');
            }
        }
        return yaml.toString();
    }

    /** The commented block {@code name:} of database {@code app} loads to {@code defaults} and shows every key. */
    private static void assertCommentedBlockShowsEveryKeyWithItsDefault(String name, List<String> keys,
            Function<DatabaseConfig, Object> block, Object defaults) throws Exception {
        String yaml = uncommentDatabaseBlock(name);
        ProxyConfig c = ConfigLoader.parse(yaml, "pgmux.yaml", Map.of());
        assertEquals(defaults, block.apply(c.database("app").orElseThrow()));
        for (String key : keys) {
            assertTrue(yaml.contains("\n      " + key + ": "), "pgmux.yaml does not show " + name + "." + key);
        }
    }

    @Test
    void commentedRoutingBlockShowsEveryKeyWithItsDefault() throws Exception {
        assertCommentedBlockShowsEveryKeyWithItsDefault("routing", ConfigMapper.ROUTING_KEYS, DatabaseConfig::routing,
                RoutingConfig.defaults());
    }

    @Test
    void commentedBreakerBlockShowsEveryKeyWithItsDefault() throws Exception {
        assertCommentedBlockShowsEveryKeyWithItsDefault("breaker", ConfigMapper.BREAKER_KEYS, DatabaseConfig::breaker,
                BreakerConfig.defaults());
    }

    @Test
    void commentedTlsBlockShowsEveryKey(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder();
        boolean inBlock = false;
        for (String line : Files.readString(Path.of("pgmux.yaml")).split("\n", -1)) {
            inBlock = line.equals("# tls:") || inBlock && line.startsWith("#   ");
            yaml.append(inBlock ? line.substring(2) : line).append('\n');
        }
        String text = yaml.toString();
        for (String key : ConfigMapper.TLS_KEYS) {
            assertTrue(text.contains("\n  " + key + ": "), "pgmux.yaml does not show tls." + key);
        }
        // the example's paths do not exist here: point them at files that do
        for (String file : List.of("/etc/pgmux/server.crt", "/etc/pgmux/server.key", "/etc/pgmux/root.crt",
                "/etc/pgmux/pgmux-client.crt", "/etc/pgmux/pgmux-client.key")) {
            Path local = Files.writeString(dir.resolve(Path.of(file).getFileName()), "");
            text = text.replace(file, local.toString());
        }
        TlsConfig tls = ConfigLoader.parse(text, "pgmux.yaml", Map.of()).tls();
        assertEquals(TlsConfig.ClientMode.PREFER, tls.clientMode());
        assertEquals(TlsConfig.ServerMode.DISABLE, tls.serverMode());
    }

    @Test
    void commentedBreakerDefaultsLoad() throws Exception {
        String yaml = Files.readString(Path.of("pgmux.yaml")).replace("# breaker_defaults:\n#   ",
                "breaker_defaults:\n  ");
        ProxyConfig c = ConfigLoader.parse(yaml, "pgmux.yaml", Map.of());
        assertEquals(BreakerConfig.defaults(), c.database("app").orElseThrow().breaker());
    }

    @Test
    void commentedShardedDatabaseLoadsWithEveryShardingKey() throws Exception {
        // uncomment "  # orders:" and the "  #   ..." lines under it
        StringBuilder yaml = new StringBuilder();
        boolean inBlock = false;
        for (String line : Files.readString(Path.of("pgmux.yaml")).split("\n", -1)) {
            inBlock = line.equals("  # orders:") || inBlock && line.startsWith("  #   ");
            yaml.append(inBlock ? "  " + line.substring(4) : line).append('\n');
        }
        ProxyConfig c = ConfigLoader.parse(yaml.toString(), "pgmux.yaml", Map.of());
        assertEquals(List.of("app", "orders"), List.copyOf(c.databases().keySet()));
        DatabaseConfig orders = c.database("orders").orElseThrow();
        assertEquals(new ShardingConfig(ShardingConfig.ShardFunction.PG_HASH, ShardingConfig.KeyType.INTEGER,
                Map.of("orders", "customer_id", "order_lines", "customer_id"), Optional.of("customer_id"),
                ShardingConfig.NoKey.SCATTER, ShardingConfig.DEFAULT_MAX_SCATTER_ROWS),
                orders.sharding().orElseThrow());
        assertEquals(List.of(5441, 5442), orders.shards().stream().map(s -> s.primary().port()).toList());
        assertEquals(10, orders.pool().size());
        for (String key : ConfigMapper.SHARDING_KEYS) {
            assertTrue(yaml.toString().contains("\n      " + key + ": "), "pgmux.yaml does not show sharding." + key);
        }
    }
}
