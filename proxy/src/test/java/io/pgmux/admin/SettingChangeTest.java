package io.pgmux.admin;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ProxyConfig;
import io.pgmux.protocol.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingChangeTest {
    private static final ProxyConfig BASE = parse();

    private static ProxyConfig parse() {
        try {
            return ConfigLoader.parse("""
                    users: [{ name: app, password: app }]
                    databases:
                      app: { pool: { size: 5, min_idle: 2 }, primary: postgres://h/app }
                      other: { primary: postgres://h/other }
                    """);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String code(String key, String value) {
        return assertThrows(PgException.class, () -> SettingChange.apply(BASE, key, value)).error().code();
    }

    @Test
    void logSettings() {
        assertEquals("debug", SettingChange.apply(BASE, "log.level", "DEBUG").log().level());
        assertEquals("warn", SettingChange.apply(BASE, "log_level", "warn").log().level());
        assertTrue(SettingChange.apply(BASE, "log.queries", "on").log().queries());
        assertEquals(Duration.ofMillis(200), SettingChange.apply(BASE, "log.slow_query_threshold", "200ms").log()
                .slowQueryThreshold());
        assertEquals("22023", code("log.level", "loud"));
        assertEquals("22023", code("log.queries", "maybe"));
        assertEquals("22023", code("log.slow_query_threshold", "-1s"));
    }

    @Test
    void limits() {
        ProxyConfig c = SettingChange.apply(BASE, "limits.query_wait_timeout", "5s");
        assertEquals(Duration.ofSeconds(5), c.limits().queryWaitTimeout());
        assertEquals(BASE.limits().maxClientConnections(), c.limits().maxClientConnections(), "nothing else moved");
        assertEquals(Duration.ZERO, SettingChange.apply(BASE, "query_wait_timeout", "0").limits().queryWaitTimeout());
        assertEquals(50, SettingChange.apply(BASE, "max_client_conn", "50").limits().maxClientConnections());
        assertEquals("22023", code("limits.max_client_connections", "0"));
        assertEquals("22023", code("limits.max_client_connections", "many"));
    }

    @Test
    void poolSizeOfOneOrEveryDatabase() {
        ProxyConfig one = SettingChange.apply(BASE, "databases.app.pool.size", "7");
        assertEquals(7, one.database("app").orElseThrow().pool().size());
        assertEquals(20, one.database("other").orElseThrow().pool().size());
        assertEquals(BASE.database("app").orElseThrow().primary(), one.database("app").orElseThrow().primary());
        ProxyConfig all = SettingChange.apply(BASE, "default_pool_size", "3");
        assertEquals(3, all.database("app").orElseThrow().pool().size());
        assertEquals(3, all.database("other").orElseThrow().pool().size());
        assertEquals("22023", code("databases.app.pool.size", "1"), "below min_idle 2");
        assertEquals("22023", code("databases.other.pool.size", "0"));
        assertEquals("42704", code("databases.nope.pool.size", "3"));
    }

    @Test
    void poolSizeKeepsReplicaWeightsAndRouting() throws Exception {
        ProxyConfig base = ConfigLoader.parse("""
                users: [{ name: app, password: app }]
                databases:
                  app:
                    primary: postgres://h/app
                    replicas: [postgres://r1/app, { url: postgres://r2/app, weight: 3 }]
                    routing: { autocommit_selects: replica, consistency: read_your_writes, deny_functions: [f] }
                """);
        DatabaseConfig before = base.database("app").orElseThrow();
        DatabaseConfig after = SettingChange.apply(base, "databases.app.pool.size", "9").database("app").orElseThrow();
        assertEquals(9, after.pool().size());
        assertEquals(before.replicas(), after.replicas());
        assertEquals(before.replicaWeights(), after.replicaWeights());
        assertEquals(before.routing(), after.routing());
        assertEquals(before.onSessionState(), after.onSessionState());
    }

    @Test
    void keysThatSetCannotChange() {
        assertEquals("55P02", code("listen", ":1"));
        assertEquals("55P02", code("workers", "2"));
        assertEquals("55P02", code("transport", "epoll"));
        assertEquals("55P02", code("databases.app.pool.mode", "session"));
        assertEquals("55P02", code("admin.users", "x"));
        assertEquals("42704", code("nonsense", "1"));
        PgException e = assertThrows(PgException.class, () -> SettingChange.apply(BASE, "nonsense", "1"));
        assertTrue(e.error().hint().contains("log.level"), "the hint lists what SET changes");
    }

    @Test
    void sessionSettingsAreIgnoredAsPgBouncerDoes() {
        assertTrue(SettingChange.ignored("application_name"));
        assertTrue(SettingChange.ignored("client_encoding"));
        assertFalse(SettingChange.ignored("log.level"));
    }
}
