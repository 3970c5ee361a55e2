package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

/** Parses test YAML under the source name {@code t.yaml} with a fixed environment. */
final class TestYaml {

    static final String SOURCE = "t.yaml";
    static final Map<String, String> ENV = Map.of("APP_PASSWORD", "from-env", "POOL_SIZE", "7", "DB_HOST", "db9");

    private TestYaml() {
    }

    static ProxyConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, SOURCE, ENV);
        } catch (ConfigException e) {
            throw new AssertionError("unexpected problems:\n" + e.getMessage(), e);
        }
    }

    static ConfigException fail(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, SOURCE, ENV));
    }

    /** Asserts the exact message: one {@code t.yaml:line:col: path: reason} per problem, in file order. */
    static void assertProblems(String yaml, String... lines) {
        assertEquals(String.join("\n", lines), fail(yaml).getMessage());
    }
}
