package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code breaker:} block of a database and {@code breaker_defaults:}: parsing, defaults, merging, validation. */
class BreakerConfigTest {

    /** Database {@code app} up to {@code breaker:} (lines 1-4; the block starts on line 5). */
    private static final String APP_BREAKER = """
            databases:
              app:
                primary: postgres://h/app
                breaker:
            """;

    private static String withBreaker(String block) {
        return APP_BREAKER + block.indent(6);
    }

    private static BreakerConfig breaker(String block) {
        return parse(withBreaker(block)).database("app").orElseThrow().breaker();
    }

    @Test
    void defaults() {
        BreakerConfig d = BreakerConfig.defaults();
        assertTrue(d.enabled());
        assertEquals(5, d.failureThreshold());
        assertEquals(0.5, d.failureRate());
        assertEquals(20, d.windowCalls());
        assertEquals(Duration.ZERO, d.windowTime());
        assertEquals(false, d.timeWindow());
        assertEquals(10, d.minimumCalls());
        assertEquals(Duration.ZERO, d.slowCallThreshold());
        assertEquals(Duration.ofSeconds(10), d.openTimeout());
        assertEquals(Duration.ofMinutes(2), d.maxOpenTimeout());
        assertEquals(3, d.halfOpenProbes());
    }

    @Test
    void absentOrEmptyBlockGivesTheDefaults() {
        assertEquals(BreakerConfig.defaults(), parse("databases: { app: { primary: postgres://h/app } }")
                .database("app").orElseThrow().breaker());
        assertEquals(BreakerConfig.defaults(), breaker(""));
        assertEquals(BreakerConfig.defaults(), breaker("{}"));
    }

    @Test
    void everyKey() {
        BreakerConfig b = breaker("""
                enabled: false
                failure_threshold: 0
                failure_rate: 25%
                window: 1m
                minimum_calls: 50
                slow_call_threshold: 2s
                open_timeout: 500ms
                max_open_timeout: 5m
                half_open_probes: 1
                """);
        assertEquals(new BreakerConfig(false, 0, 0.25, 0, Duration.ofMinutes(1), 50, Duration.ofSeconds(2),
                Duration.ofMillis(500), Duration.ofMinutes(5), 1), b);
        assertTrue(b.timeWindow());
    }

    @Test
    void failureRateIsAPercentageOrAFraction() {
        Map<String, Double> cases = Map.of("50%", 0.5, "0.5", 0.5, ".5", 0.5, "12.5%", 0.125, "100 %", 1.0,
                "1", 1.0, "0", 0.0, "0%", 0.0, "\"75%\"", 0.75);
        cases.forEach((text, want) -> assertEquals(want, breaker("failure_rate: " + text + "\n").failureRate(), text));
    }

    @Test
    void windowIsACountOrADuration() {
        BreakerConfig count = breaker("window: 100\n");
        assertEquals(100, count.windowCalls());
        assertEquals(Duration.ZERO, count.windowTime());
        assertEquals(10_000, breaker("{ window: 10_000, minimum_calls: 10 }").windowCalls());
        BreakerConfig time = breaker("window: 30s\n");
        assertEquals(0, time.windowCalls());
        assertEquals(Duration.ofSeconds(30), time.windowTime());
        assertTrue(time.timeWindow());
        // minimum_calls is not bounded by a time window: any number of calls may fall in 500ms
        assertEquals(Duration.ofMillis(500), breaker("{ window: 500ms, minimum_calls: 1000 }").windowTime());
    }

    @Test
    void breakerDefaultsAreMergedKeyByKey() {
        ProxyConfig c = parse("""
                breaker_defaults: { failure_threshold: 3, open_timeout: 30s }
                databases:
                  a: { primary: postgres://h/a }
                  b:
                    primary: postgres://h/b
                    breaker: { open_timeout: 1m, half_open_probes: 5 }
                """);
        BreakerConfig d = BreakerConfig.defaults();
        assertEquals(new BreakerConfig(true, 3, d.failureRate(), d.windowCalls(), d.windowTime(), d.minimumCalls(),
                d.slowCallThreshold(), Duration.ofSeconds(30), d.maxOpenTimeout(), d.halfOpenProbes()),
                c.database("a").orElseThrow().breaker());
        assertEquals(new BreakerConfig(true, 3, d.failureRate(), d.windowCalls(), d.windowTime(), d.minimumCalls(),
                d.slowCallThreshold(), Duration.ofMinutes(1), d.maxOpenTimeout(), 5),
                c.database("b").orElseThrow().breaker());
    }

    @Test
    void shardedDatabasesHaveABreakerToo() {
        DatabaseConfig orders = parse("""
                databases:
                  orders:
                    sharding: { default_column: id }
                    shards: [{ primary: postgres://s0/orders }, { primary: postgres://s1/orders }]
                    breaker: { failure_threshold: 2 }
                """).database("orders").orElseThrow();
        assertEquals(2, orders.breaker().failureThreshold());
        assertEquals(2, orders.shards().size());
    }

    @Test
    void withPoolKeepsTheBreakerAndWithBreakerKeepsTheRest() {
        DatabaseConfig db = parse(withBreaker("failure_threshold: 9\n")).database("app").orElseThrow();
        PoolConfig p = db.pool();
        DatabaseConfig resized = db.withPool(new PoolConfig(p.mode(), 50, p.minIdle(), p.maxLifetime(),
                p.idleTimeout(), p.connectTimeout(), p.serverResetQuery(), p.maxPreparedStatements(),
                p.trackExtraParameters()));
        assertEquals(9, resized.breaker().failureThreshold());
        DatabaseConfig off = resized.withBreaker(BreakerConfig.defaults());
        assertEquals(BreakerConfig.defaults(), off.breaker());
        assertEquals(50, off.pool().size());
        assertEquals(db.primary(), off.primary());
    }

    @Test
    void constructorsWithoutABreakerUseTheDefaults() {
        BackendUrl url = BackendUrl.parse("postgres://h/app", "app");
        assertEquals(BreakerConfig.defaults(), new DatabaseConfig("app", PoolConfig.defaults(), url, List.of()).breaker());
        assertThrows(IllegalArgumentException.class, () -> new BreakerConfig(true, 5, 0.5, 20, Duration.ofSeconds(1),
                10, Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(2), 3));
    }

    // ---------------------------------------------------------------- type errors

    @Test
    void typeErrors() {
        assertProblems(withBreaker("""
                enabled: sometimes
                failure_threshold: many
                failure_rate: half
                window: forever
                minimum_calls: 1.5
                slow_call_threshold: slow
                open_timeout: 10x
                max_open_timeout: [2m]
                half_open_probes: three
                open_timout: 5s
                """),
                "t.yaml:5:7: databases.app.breaker.enabled: expected true or false",
                "t.yaml:6:7: databases.app.breaker.failure_threshold: expected a number",
                "t.yaml:7:7: databases.app.breaker.failure_rate: expected a rate like 50% or 0.5",
                "t.yaml:8:7: databases.app.breaker.window: expected a number of calls like 20 or a duration like 30s",
                "t.yaml:9:7: databases.app.breaker.minimum_calls: expected a number",
                "t.yaml:10:7: databases.app.breaker.slow_call_threshold: expected a duration like 30s",
                "t.yaml:11:7: databases.app.breaker.open_timeout: expected a duration like 30s",
                "t.yaml:12:7: databases.app.breaker.max_open_timeout: expected a string",
                "t.yaml:13:7: databases.app.breaker.half_open_probes: expected a number",
                "t.yaml:14:7: databases.app.breaker.open_timout: unknown key 'open_timout' (did you mean 'open_timeout'?)");
    }

    @Test
    void aBareRateAboveOneIsNotGuessedToBeAPercentage() {
        assertProblems(withBreaker("failure_rate: 50\n"),
                "t.yaml:5:7: databases.app.breaker.failure_rate: a bare number is a fraction like 0.5;"
                        + " write a percentage with %, like 50%");
        assertProblems(withBreaker("failure_rate: -0.5\n"),
                "t.yaml:5:7: databases.app.breaker.failure_rate: expected a rate like 50% or 0.5");
    }

    @Test
    void unknownKeysOfBreakerDefaultsAreSuggested() {
        assertProblems("breaker_defaults: { failureThreshold: 3 }\nbreaker_default: {}\n",
                "t.yaml:1:21: breaker_defaults.failureThreshold: unknown key 'failureThreshold'"
                        + " (did you mean 'failure_threshold'?)",
                "t.yaml:2:1: breaker_default: unknown key 'breaker_default' (did you mean 'breaker_defaults'?)");
    }

    // ---------------------------------------------------------------- validation rules

    @Test
    void eachRangeIsChecked() {
        assertProblems(withBreaker("""
                failure_threshold: -1
                failure_rate: 150%
                window: 0
                minimum_calls: 0
                open_timeout: 0
                half_open_probes: 0
                """),
                "t.yaml:5:7: databases.app.breaker.failure_threshold: must be at least 0 (0 turns this rule off)",
                "t.yaml:6:7: databases.app.breaker.failure_rate: must be between 0% and 100%",
                "t.yaml:7:7: databases.app.breaker.window: must be at least 1 call or a duration greater than 0",
                "t.yaml:8:7: databases.app.breaker.minimum_calls: must be at least 1",
                "t.yaml:9:7: databases.app.breaker.open_timeout: must be greater than 0",
                "t.yaml:10:7: databases.app.breaker.half_open_probes: must be at least 1");
        // a negative duration is refused by the parser, in the first round...
        assertProblems(withBreaker("{ window: -5, slow_call_threshold: -1s }"),
                "t.yaml:5:21: databases.app.breaker.slow_call_threshold: must not be negative");
        // ... a negative count by the validator, in the second
        assertProblems(withBreaker("window: -5\n"),
                "t.yaml:5:7: databases.app.breaker.window: must be at least 1 call or a duration greater than 0");
        assertProblems(withBreaker("window: 0s\n"),
                "t.yaml:5:7: databases.app.breaker.window: must be at least 1 call or a duration greater than 0");
    }

    @Test
    void aBreakerThatCanNeverOpenMustSayEnabledFalse() {
        assertProblems(withBreaker("{ failure_threshold: 0, failure_rate: 0% }"),
                "t.yaml:5:9: databases.app.breaker.failure_threshold: " + BreakerRules.NEVER_OPENS);
        BreakerConfig off = breaker("{ enabled: false, failure_threshold: 0, failure_rate: 0 }");
        assertEquals(false, off.enabled());
        assertEquals(0, breaker("failure_threshold: 0\n").failureThreshold(), "the rate alone can open it");
        assertEquals(0.0, breaker("failure_rate: 0\n").failureRate(), "the count alone can open it");
    }

    @Test
    void minimumCallsMustFitACountWindow() {
        assertProblems(withBreaker("{ window: 5, minimum_calls: 10 }"),
                "t.yaml:5:20: databases.app.breaker.minimum_calls: must not exceed window (5 calls)");
        // only the window written here: the problem is reported there
        assertProblems(withBreaker("window: 5\n"),
                "t.yaml:5:7: databases.app.breaker.window: must not be less than minimum_calls (10)");
        assertEquals(5, breaker("{ window: 5, minimum_calls: 5 }").minimumCalls());
    }

    @Test
    void maxOpenTimeoutMustNotBeLessThanOpenTimeout() {
        assertProblems(withBreaker("{ open_timeout: 1m, max_open_timeout: 30s }"),
                "t.yaml:5:27: databases.app.breaker.max_open_timeout: must not be less than open_timeout (1m)");
        assertProblems(withBreaker("open_timeout: 5m\n"),
                "t.yaml:5:7: databases.app.breaker.open_timeout: must not exceed max_open_timeout (2m)");
        assertProblems(withBreaker("max_open_timeout: 1500ms\n"),
                "t.yaml:5:7: databases.app.breaker.max_open_timeout: must not be less than open_timeout (10s)");
        assertEquals(Duration.ofSeconds(10), breaker("max_open_timeout: 10s\n").maxOpenTimeout(), "equal is fine");
    }

    @Test
    void inheritedValuesAreReportedOnceWhereTheyWereWritten() {
        assertProblems("""
                breaker_defaults: { half_open_probes: 0, open_timeout: 3m }
                databases:
                  a: { primary: postgres://h/a }
                  b:
                    primary: postgres://h/b
                    breaker: { max_open_timeout: 1m }
                """,
                "t.yaml:1:21: breaker_defaults.half_open_probes: must be at least 1",
                "t.yaml:1:42: breaker_defaults.open_timeout: must not exceed max_open_timeout (2m)",
                "t.yaml:6:16: databases.b.breaker.max_open_timeout: must not be less than open_timeout (3m)");
    }
}
