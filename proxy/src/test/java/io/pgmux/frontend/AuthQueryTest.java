package io.pgmux.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pgmux.config.AuthMethod;
import io.pgmux.config.Secret;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** auth_query's SQL and how its answer is read. */
class AuthQueryTest {

    @Test
    void theUserNameBecomesAQuotedLiteral() {
        assertEquals("SELECT usename, passwd FROM pg_shadow WHERE usename = E'alice'",
                AuthQuery.sql("SELECT usename, passwd FROM pg_shadow WHERE usename = $1", "alice"));
        assertEquals("SELECT * FROM f(E'o''brien')", AuthQuery.sql("SELECT * FROM f($1)", "o'brien"));
        assertEquals("SELECT * FROM f(E'a\\\\'' OR true --')", AuthQuery.sql("SELECT * FROM f($1)", "a\\' OR true --"));
        assertEquals("SELECT E'$x', $10", AuthQuery.sql("SELECT $1, $10", "$x"), "$ in the name and $10 stay as they are");
        assertEquals("E''", AuthQuery.literal(""));
    }

    @Test
    void theSecondColumnOfTheFirstRowIsThePassword() {
        String scram = "SCRAM-SHA-256$4096:c2FsdA==$" + "A".repeat(43) + "=:" + "B".repeat(43) + "=";
        Secret s = AuthQuery.secret(List.of("alice", scram), "alice");
        assertEquals(Secret.Kind.SCRAM_SHA_256, s.kind());
        assertEquals(AuthMethod.SCRAM_SHA_256, new AuthQuery.Found(s, false).user("alice").auth());
        Secret md5 = AuthQuery.secret(List.of("bob", "md5" + "0".repeat(32)), "bob");
        assertEquals(Secret.Kind.MD5, md5.kind());
        assertEquals(AuthMethod.MD5, new AuthQuery.Found(md5, false).user("bob").auth());
        assertNull(AuthQuery.secret(List.of(), "x"), "no row");
        assertNull(AuthQuery.secret(Arrays.asList("x", null), "x"), "NULL password");
        assertNull(AuthQuery.secret(List.of("x", ""), "x"), "empty password");
        assertNull(AuthQuery.secret(List.of("x", "SCRAM-SHA-256$bad"), "x"), "malformed verifier");
        assertNull(new AuthQuery.Found(null, false).user("x"));
    }
}
