package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void problemFormat() {
        assertEquals("config/pgmux.yaml:12:7: databases.app.pool.size: must be at least 1",
                new ConfigException.Problem("config/pgmux.yaml", 12, 7, "databases.app.pool.size", "must be at least 1")
                        .toString());
        assertEquals("a.yaml:3:1: invalid YAML: x", new ConfigException.Problem("a.yaml", 3, 1, "", "invalid YAML: x")
                .toString());
        assertEquals("a.yaml: file not found", new ConfigException.Problem("a.yaml", 0, 0, "", "file not found")
                .toString());
        assertEquals("a.yaml: workers: bad", new ConfigException.Problem("a.yaml", 0, 0, "workers", "bad").toString());
    }

    @Test
    void messageListsEveryProblemOnItsOwnLineAndAccessorsDescribeTheFirst() {
        ConfigException e = new ConfigException(List.of(
                new ConfigException.Problem("a.yaml", 2, 3, "workers", "must be at least 0"),
                new ConfigException.Problem("a.yaml", 5, 1, "listen", "expected host:port, like 0.0.0.0:6432")));
        assertEquals("a.yaml:2:3: workers: must be at least 0\n"
                + "a.yaml:5:1: listen: expected host:port, like 0.0.0.0:6432", e.getMessage());
        assertEquals("a.yaml", e.source());
        assertEquals(2, e.line());
        assertEquals(3, e.column());
        assertEquals("workers", e.path());
        assertEquals("must be at least 0", e.reason());
        assertEquals(2, e.problems().size());
    }

    @Test
    void singleProblemConstructor() {
        ConfigException e = new ConfigException("b.yaml", 1, 2, "log", "expected a mapping");
        assertEquals("b.yaml:1:2: log: expected a mapping", e.getMessage());
        assertEquals(List.of(new ConfigException.Problem("b.yaml", 1, 2, "log", "expected a mapping")), e.problems());
    }

    @Test
    void needsAProblem() {
        assertThrows(IllegalArgumentException.class, () -> new ConfigException(List.of()));
    }
}
