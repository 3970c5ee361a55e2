package io.pgmux.admin;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigViewsTest {

    @Test
    void durationsAreWrittenAsTheFileWritesThem() {
        assertEquals("0", ConfigViews.duration(Duration.ZERO));
        assertEquals("500ms", ConfigViews.duration(Duration.ofMillis(500)));
        assertEquals("1500ms", ConfigViews.duration(Duration.ofMillis(1500)));
        assertEquals("30s", ConfigViews.duration(Duration.ofSeconds(30)));
        assertEquals("2m", ConfigViews.duration(Duration.ofSeconds(120)));
        assertEquals("90s", ConfigViews.duration(Duration.ofSeconds(90)));
        assertEquals("1h", ConfigViews.duration(Duration.ofHours(1)));
    }

    @Test
    void configShowsNoPasswordAndMarksWhatSetChanges() throws Exception {
        ProxyConfig c = ConfigLoader.parse("""
                users: [{ name: app, password: topsecret }]
                auth_query: { user: pgmux_auth, password: topsecret, cache_ttl: 5s }
                databases:
                  app: { primary: "postgres://app:topsecret@db:5432/app", replicas: ["postgres://r:topsecret@r/app"] }
                """);
        ResultTable t = ConfigViews.config(c);
        assertFalse(t.rows().toString().contains("topsecret"), t.rows().toString());
        int primary = indexOf(t, "databases.app.primary");
        assertEquals("postgres://app:***@db:5432/app", t.rows().get(primary).get(1));
        assertEquals("***", t.rows().get(indexOf(t, "auth_query.password")).get(1));
        assertEquals("pgmux_auth", t.rows().get(indexOf(t, "auth_query.user")).get(1));
        assertEquals("5s", t.rows().get(indexOf(t, "auth_query.cache_ttl")).get(1));
        assertEquals("yes", t.rows().get(indexOf(t, "databases.app.pool.size")).get(3));
        assertEquals("no", t.rows().get(indexOf(t, "listen")).get(3));
        assertEquals("yes", t.rows().get(indexOf(t, "log.level")).get(3));
        for (String key : SettingChange.CHANGEABLE) {
            String k = key.replace("<db>", "app");
            assertEquals("yes", t.rows().get(indexOf(t, k)).get(3), k);
        }
    }

    @Test
    void helpListsEveryCommand() {
        ResultTable help = ConfigViews.help();
        assertEquals(AdminCommand.Verb.values().length, help.rows().size());
        assertTrue(help.rows().get(0).get(0).startsWith("SHOW POOLS|STATS"));
    }

    private static int indexOf(ResultTable t, String key) {
        for (int i = 0; i < t.rows().size(); i++) {
            if (t.rows().get(i).get(0).equals(key)) {
                return i;
            }
        }
        throw new AssertionError("no row " + key);
    }
}
