package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretTest {

    /** A real verifier: password "admin", salt "pgmux-test-salt!", 4096 iterations. */
    static final String SCRAM = "SCRAM-SHA-256$4096:cGdtdXgtdGVzdC1zYWx0IQ=="
            + "$aVxeKPkTj9AOHxkCSDX7enl5u1xsjohgaLQb+0ll+Gg=:xnVnQAgxuqkEBhsk6QXPO4FgcpQpeGmOM5uHQjfvOl8=";
    /** md5("secret" + "legacy"), as PostgreSQL stores it. */
    static final String MD5 = "md5ea83fb874e4911ecd72b15e5bdf57300";

    private static final String SALT = "cGdtdXgtdGVzdC1zYWx0IQ==";
    private static final String KEYS =
            "aVxeKPkTj9AOHxkCSDX7enl5u1xsjohgaLQb+0ll+Gg=:xnVnQAgxuqkEBhsk6QXPO4FgcpQpeGmOM5uHQjfvOl8=";
    private static final String EXPECTED = "; expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>";

    @Test
    void classifiesLikePostgres() {
        assertEquals(Secret.Kind.PLAIN, Secret.of("app").kind());
        assertEquals(Secret.Kind.MD5, Secret.of(MD5).kind());
        assertEquals(Secret.Kind.SCRAM_SHA_256, Secret.of(SCRAM).kind());
        assertEquals(MD5, Secret.of(MD5).value());
    }

    @Test
    void md5NeedsExactly32LowercaseHexDigitsElseItIsAPlainPassword() {
        assertEquals(Secret.Kind.PLAIN, Secret.of(MD5.toUpperCase()).kind());
        assertEquals(Secret.Kind.PLAIN, Secret.of("md5EA83FB874E4911ECD72B15E5BDF57300").kind());
        assertEquals(Secret.Kind.PLAIN, Secret.of(MD5.substring(0, 34)).kind());
        assertEquals(Secret.Kind.PLAIN, Secret.of(MD5 + "0").kind());
    }

    @Test
    void scramVerifierParts() {
        ScramVerifier v = Secret.of(SCRAM).scramVerifier();
        assertEquals(4096, v.iterations());
        assertArrayEquals("pgmux-test-salt!".getBytes(StandardCharsets.US_ASCII), v.salt());
        assertEquals(32, v.storedKey().length);
        assertArrayEquals(Base64.getDecoder().decode("xnVnQAgxuqkEBhsk6QXPO4FgcpQpeGmOM5uHQjfvOl8="), v.serverKey());
        assertEquals(v, ScramVerifier.parse(SCRAM));
        assertEquals(v.hashCode(), ScramVerifier.parse(SCRAM).hashCode());
    }

    @Test
    void scramVerifierArraysCannotBeChangedFromOutside() {
        ScramVerifier v = ScramVerifier.parse(SCRAM);
        v.salt()[0] = 0;
        assertEquals('p', v.salt()[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy          | : keys must be 32 bytes",
        "SCRAM-SHA-256$0:SALT$KEYS                             | : iteration count must be at least 1",
        "SCRAM-SHA-256$many:SALT$KEYS                          | " + EXPECTED,
        // config and login share one parser: a sign that Integer.parseInt would take is refused here too
        "SCRAM-SHA-256$+4096:SALT$KEYS                         | " + EXPECTED,
        "SCRAM-SHA-256$4096:$KEYS                              | : salt must not be empty",
        "SCRAM-SHA-256$4096:c2FsdA==$aVxeKPkTj9AOHxkCSDX7enl5u1xsjohgaLQb+0ll+Gg= | " + EXPECTED,
        "SCRAM-SHA-256$4096:c2FsdA==$!!!!KEYS                  | : StoredKey is not valid base64",
        "SCRAM-SHA-256$4096:c2FsdA==$a$b:c                     | " + EXPECTED,
        "SCRAM-SHA-256$hunter2                                 | " + EXPECTED,
    })
    void malformedScramIsRejectedWithoutShowingIt(String template, String problem) {
        String verifier = template.replace("SALT", SALT).replace("KEYS", KEYS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Secret.of(verifier));
        assertEquals("malformed SCRAM-SHA-256 verifier" + problem, e.getMessage());
        assertNull(e.getCause());
    }

    @Test
    void toStringNeverShowsTheValue() {
        assertEquals("Secret[PLAIN, ***]", Secret.of("hunter2").toString());
        assertEquals("Secret[MD5, ***]", Secret.of(MD5).toString());
        assertEquals("Secret[SCRAM_SHA_256, ***]", Secret.of(SCRAM).toString());
        assertEquals("ScramVerifier[iterations=4096, salt=" + SALT + ", storedKey=<redacted>, serverKey=<redacted>]",
                ScramVerifier.parse(SCRAM).toString());
        assertEquals("UserConfig[name=u, password=Secret[PLAIN, ***], auth=MD5, maxClientConnections=0]",
                new UserConfig("u", Secret.of("hunter2"), AuthMethod.MD5).toString());
    }

    @Test
    void equalityUsesTheValue() {
        assertEquals(Secret.of("a"), Secret.of("a"));
        assertNotEquals(Secret.of("a"), Secret.of("b"));
    }

    @Test
    void constructorChecksTheShapeOfItsKind() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Secret(Secret.Kind.MD5, "hunter2"));
        assertEquals("an MD5 secret must be md5 followed by 32 lowercase hex digits", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Secret(Secret.Kind.SCRAM_SHA_256, "hunter2"));
        assertEquals("md5", new Secret(Secret.Kind.PLAIN, "md5").value());
    }

    @Test
    void onlyScramSecretsHaveAVerifier() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Secret.of("x").scramVerifier());
        assertEquals("not a SCRAM-SHA-256 secret", e.getMessage());
    }

    @Test
    void plainPasswordIsOnlyGivenForPlainSecrets() {
        assertEquals("pw", new UserConfig("u", Secret.of("pw"), AuthMethod.MD5).plainPassword().orElseThrow());
        assertTrue(new UserConfig("u", Secret.of(MD5), AuthMethod.MD5).plainPassword().isEmpty());
        assertTrue(new UserConfig("u", null, AuthMethod.TRUST).plainPassword().isEmpty());
    }
}
