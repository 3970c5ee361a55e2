package io.pgmux.metrics;

import io.pgmux.health.BackendStatus;
import io.pgmux.health.Readiness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {

    @Test
    void quoteEscapes() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
    }

    @Test
    void readinessBodies() {
        assertEquals("{\"status\":\"ready\",\"reasons\":[],\"backends\":[{\"database\":\"app\",\"role\":\"primary\","
                + "\"address\":\"h:5432\",\"health\":\"up\"}]}", Json.readiness(new Readiness.Report(true, List.of(), List.of(),
                List.of(new BackendStatus("app", BackendStatus.Role.PRIMARY, "h:5432", BackendStatus.Health.UP, false,
                        null, 1)))));
        assertEquals("{\"status\":\"not ready\",\"reasons\":[\"shutting down\",\"database app: primary h:5432 is down: "
                + "refused\"],\"backends\":[{\"database\":\"app\",\"role\":\"primary\",\"address\":\"h:5432\","
                + "\"health\":\"down\",\"error\":\"refused\"}]}",
                Json.readiness(new Readiness.Report(false, List.of("shutting down",
                        "database app: primary h:5432 is down: refused"), List.of(), List.of(new BackendStatus("app",
                        BackendStatus.Role.PRIMARY, "h:5432", BackendStatus.Health.DOWN, null, "refused", 1)))));
        assertEquals("{\"status\":\"degraded\",\"reasons\":[],\"degraded\":[\"database app: primary h:5432 is down\"],"
                + "\"backends\":[]}", Json.readiness(new Readiness.Report(true, List.of(),
                List.of("database app: primary h:5432 is down"), List.of())));
    }
}
