package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** users[].max_client_connections, databases.<db>.max_client_connections, limits.max_unauthenticated_connections. */
class ConnectionLimitsConfigTest {

    @Test
    void readWithDefaultsOfNoLimit() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                limits: { max_unauthenticated_connections: 50 }
                users:
                  - { name: app, password: x, max_client_connections: 5 }
                  - { name: other, password: x }
                databases:
                  app: { primary: postgres://a:b@h/app, max_client_connections: 7 }
                  free: { primary: postgres://a:b@h/free }
                """, "<test>");
        assertEquals(5, c.user("app").orElseThrow().maxClientConnections());
        assertEquals(0, c.user("other").orElseThrow().maxClientConnections());
        assertEquals(7, c.database("app").orElseThrow().maxClientConnections());
        assertEquals(0, c.database("free").orElseThrow().maxClientConnections());
        assertEquals(50, c.limits().maxUnauthenticatedConnections());
        assertEquals(1000, ProxyConfig.defaults().limits().maxUnauthenticatedConnections());
        DatabaseConfig app = c.database("app").orElseThrow();
        assertEquals(7, app.withPool(PoolConfig.defaults()).withBreaker(BreakerConfig.defaults()).maxClientConnections(),
                "kept by the with- methods SET and RELOAD use");
    }

    @Test
    void negativeLimitsAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                limits: { max_unauthenticated_connections: -1 }
                users:
                  - { name: app, password: x, max_client_connections: -2 }
                databases:
                  app: { primary: postgres://a:b@h/app, max_client_connections: -3 }
                """, "<test>"));
        for (String path : new String[]{"limits.max_unauthenticated_connections", "users[0].max_client_connections",
                "databases.app.max_client_connections"}) {
            assertTrue(e.getMessage().contains(path), path + " in " + e.getMessage());
        }
    }
}
