package io.pgmux.config;

import static io.pgmux.config.TestYaml.fail;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code auth_query:} block. */
class AuthQueryConfigTest {

    @Test
    void offByDefault() {
        assertTrue(parse("listen: :6432\n").authQueryConfig().isEmpty());
    }

    @Test
    void defaultsForEverythingButTheUser() {
        AuthQueryConfig q = parse("auth_query: { user: pgmux_auth }\n").authQuery();
        assertEquals(new AuthQueryConfig("pgmux_auth", null, AuthQueryConfig.DEFAULT_QUERY,
                Duration.ofSeconds(60), null), q);
        assertEquals("SELECT usename, passwd FROM pg_shadow WHERE usename = $1", q.query());
        assertNull(q.plainPassword());
    }

    @Test
    void everyKeyMaps() {
        AuthQueryConfig q = parse("""
                auth_query:
                  user: pgmux_auth
                  password: ${APP_PASSWORD}
                  query: SELECT * FROM pgmux_lookup($1)
                  cache_ttl: 5s
                  database: postgres
                """).authQuery();
        assertEquals("pgmux_auth", q.user());
        assertEquals("from-env", q.plainPassword());
        assertEquals(Secret.Kind.PLAIN, q.password().kind());
        assertEquals("SELECT * FROM pgmux_lookup($1)", q.query());
        assertEquals(Duration.ofSeconds(5), q.cacheTtl());
        assertEquals("postgres", q.database());
    }

    @Test
    void aPasswordThatLooksLikeAHashIsStillUsedAsWritten() {
        AuthQueryConfig q = parse("auth_query: { user: a, password: md5" + "0".repeat(32) + " }\n").authQuery();
        assertEquals(Secret.Kind.PLAIN, q.password().kind());
    }

    @Test
    void thePasswordNeverShows() {
        AuthQueryConfig q = parse("auth_query: { user: a, password: hunter2 }\n").authQuery();
        assertFalse(q.toString().contains("hunter2"), q.toString());
        assertFalse(parse("auth_query: { user: a, password: hunter2 }\n").toString().contains("hunter2"));
    }

    @Test
    void problems() {
        TestYaml.assertProblems("auth_query: { password: x }\n", "t.yaml:1:1: auth_query: missing required key 'user'");
        assertTrue(fail("auth_query: { user: a, cache_ttl: -1s }\n").getMessage().contains("auth_query.cache_ttl"));
        assertTrue(fail("auth_query: { user: '' }\n").getMessage().contains("auth_query.user: must not be empty"));
        assertTrue(fail("auth_query: { user: a, qeury: x }\n").getMessage().contains("auth_query.qeury"));
    }
}
