package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

    private static final Map<String, String> ENV = Map.of("HOST", "db1", "PORT", "5433", "EMPTY", "");

    private static String apply(String text) {
        return EnvSubstitution.apply(text, ENV);
    }

    private static final String INVALID =
            "invalid environment variable reference; expected ${NAME} or ${NAME:-default}";

    private static void assertRejected(String message, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> apply(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void variablesAnywhereInTheText() {
        assertEquals("db1", apply("${HOST}"));
        assertEquals("postgres://db1:5433/x", apply("postgres://${HOST}:${PORT}/x"));
    }

    @Test
    void defaultsApplyWhenUnsetOrEmpty() {
        assertEquals("fallback", apply("${MISSING:-fallback}"));
        assertEquals("fallback", apply("${EMPTY:-fallback}"));
        assertEquals("db1", apply("${HOST:-fallback}"));
        assertEquals("", apply("${MISSING:-}"));
        assertEquals("a:b", apply("${MISSING:-a:b}"));
    }

    @Test
    void setButEmptyWithoutDefaultIsEmpty() {
        assertEquals("[]", apply("[${EMPTY}]"));
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertEquals("$", apply("$$"));
        assertEquals("${HOST}", apply("$${HOST}"));
        assertEquals("a$$b", apply("a$$$$b"));
    }

    @Test
    void otherDollarsAreKept() {
        assertEquals(SecretTest.SCRAM, apply(SecretTest.SCRAM));
        assertEquals("cost: 5$", apply("cost: 5$"));
        assertEquals("$HOST", apply("$HOST"));
    }

    @Test
    void unsetVariableWithoutDefaultIsNamed() {
        assertRejected("environment variable 'MISSING' is not set", "x${MISSING}y");
    }

    @Test
    void malformedReferencesDoNotEchoTheText() {
        assertRejected("unterminated ${ (write $$ for a literal $)", "${HOST");
        assertRejected(INVALID, "${1X:-hunter2}");
        assertRejected(INVALID, "${}");
        assertRejected(INVALID, "${A-b}");
    }
}
