package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every key the schema knows is described in docs/configuration.md (and the routing keys in docs/routing.md,
 * the sharding keys in docs/sharding.md, the breaker keys and timeouts in docs/resilience.md).
 */
class DocumentedKeysTest {

    // Surefire runs in the module directory.
    private static String doc(String name) throws IOException {
        return Files.readString(Path.of("../docs", name));
    }

    /** {@code `key`}, {@code `section.key`} or {@code `key: value`}: the key in backticks, possibly after a dotted prefix. */
    private static boolean mentions(String doc, String key) {
        return Pattern.compile("`([a-z_]+\\.)*" + Pattern.quote(key) + "[`:]").matcher(doc).find();
    }

    @Test
    void configurationReferenceNamesEveryKey() throws IOException {
        String doc = doc("configuration.md");
        for (List<String> keys : List.of(ConfigMapper.ROOT_KEYS, ConfigMapper.ADMIN_KEYS, ConfigMapper.METRICS_KEYS,
                ConfigMapper.LIMITS_KEYS, ConfigMapper.LOG_KEYS, ConfigMapper.TLS_KEYS, ConfigMapper.USER_KEYS, ConfigMapper.DATABASE_KEYS,
                ConfigMapper.REPLICA_KEYS, ConfigMapper.ROUTING_KEYS, ConfigMapper.POOL_KEYS, ConfigMapper.SHARDING_KEYS,
                ConfigMapper.SHARD_KEYS, ConfigMapper.BREAKER_KEYS, ConfigMapper.HBA_KEYS)) {
            for (String key : keys) {
                assertTrue(mentions(doc, key), "docs/configuration.md does not describe `" + key + "`");
            }
        }
    }

    @Test
    void routingGuideNamesEveryRoutingKey() throws IOException {
        String doc = doc("routing.md");
        for (String key : ConfigMapper.ROUTING_KEYS) {
            assertTrue(mentions(doc, key), "docs/routing.md does not mention `" + key + "`");
        }
        assertTrue(doc.contains("\n## Health and lag\n"), "docs/metrics.md links to routing.md#health-and-lag");
    }

    @Test
    void shardingGuideNamesEveryShardingKey() throws IOException {
        String doc = doc("sharding.md");
        for (String key : ConfigMapper.SHARDING_KEYS) {
            assertTrue(mentions(doc, key), "docs/sharding.md does not mention `" + key + "`");
        }
    }

    @Test
    void resilienceGuideNamesEveryBreakerKeyAndTimeout() throws IOException {
        String doc = doc("resilience.md");
        for (String key : ConfigMapper.BREAKER_KEYS) {
            assertTrue(mentions(doc, key), "docs/resilience.md does not mention `" + key + "`");
        }
        for (String key : List.of("connect_timeout", "query_wait_timeout", "auth_timeout", "idle_timeout",
                "max_lifetime", "query_timeout", "idle_transaction_timeout", "client_idle_timeout",
                "health_check_timeout", "shutdown_timeout")) {
            assertTrue(mentions(doc, key), "docs/resilience.md does not list the timeout `" + key + "`");
        }
        assertTrue(doc.startsWith("# Resilience\n\n**Status"), "docs/resilience.md opens with its status line");
    }
}
