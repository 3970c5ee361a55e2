package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replicas with weights and the {@code routing:} block of a database: parsing, defaults, validation. */
class RoutingConfigTest {

    private static DatabaseConfig app(String yaml) {
        return parse(yaml).database("app").orElseThrow();
    }

    /** Database {@code app} with one replica, up to {@code routing:} (lines 1-5; the block starts on line 6). */
    private static final String APP_ROUTING = """
            databases:
              app:
                primary: postgres://h/app
                replicas: [postgres://r/app]
                routing:
            """;

    /** {@link #APP_ROUTING} followed by {@code block}, indented under {@code routing:}. */
    private static String withRouting(String block) {
        return APP_ROUTING + block.indent(6);
    }

    private static RoutingConfig routing(String block) {
        return app(withRouting(block)).routing();
    }

    @Test
    void defaults() {
        RoutingConfig d = RoutingConfig.defaults();
        assertEquals(RoutingConfig.Target.PRIMARY, d.autocommitSelects());
        assertEquals(RoutingConfig.Balance.LEAST_OUTSTANDING, d.balance());
        assertTrue(d.fallbackToPrimary());
        assertEquals(RoutingConfig.PrimaryReads.FALLBACK, d.primaryReads());
        assertEquals(16L << 20, d.maxReplicaLagBytes());
        assertEquals(Duration.ZERO, d.maxReplicaLagTime());
        assertEquals(RoutingConfig.Consistency.EVENTUAL, d.consistency());
        assertEquals(Duration.ofSeconds(5), d.rywTimeout());
        assertEquals(Duration.ofSeconds(1), d.healthCheckInterval());
        assertEquals(Duration.ofSeconds(1), d.healthCheckTimeout());
        assertTrue(d.retryReads());
        assertEquals(List.of(), d.denyFunctions());
    }

    @Test
    void absentOrEmptyRoutingBlockGivesTheDefaults() {
        DatabaseConfig plain = app("databases: { app: { primary: postgres://h/app, replicas: [postgres://r/app] } }");
        assertEquals(RoutingConfig.defaults(), plain.routing());
        assertEquals(List.of(1), plain.replicaWeights());
        assertEquals(RoutingConfig.defaults(), routing(""));
        assertEquals(RoutingConfig.defaults(), routing("{}"));
        assertEquals(RoutingConfig.defaults(), app("databases: { app: { primary: postgres://h/app } }").routing());
    }

    @Test
    void everyKey() {
        RoutingConfig r = routing("""
                autocommit_selects: replica
                balance: round_robin
                fallback_to_primary: false
                primary_reads: share
                max_replica_lag: 64MB
                consistency: read_your_writes
                ryw_timeout: 30s
                health_check_interval: 250ms
                health_check_timeout: 2s
                retry_reads: false
                deny_functions: [audit_read, Touch_Session]
                """);
        assertEquals(new RoutingConfig(RoutingConfig.Target.REPLICA, RoutingConfig.Balance.ROUND_ROBIN, false,
                RoutingConfig.PrimaryReads.SHARE, 64L << 20, Duration.ZERO, RoutingConfig.Consistency.READ_YOUR_WRITES,
                Duration.ofSeconds(30), Duration.ofMillis(250), Duration.ofSeconds(2), false,
                List.of("audit_read", "Touch_Session")), r);
    }

    @Test
    void unsetKeysKeepTheirDefaults() {
        RoutingConfig r = routing("consistency: read_your_writes\n");
        RoutingConfig d = RoutingConfig.defaults();
        assertEquals(new RoutingConfig(d.autocommitSelects(), d.balance(), d.fallbackToPrimary(), d.primaryReads(),
                d.maxReplicaLagBytes(), d.maxReplicaLagTime(), RoutingConfig.Consistency.READ_YOUR_WRITES,
                d.rywTimeout(), d.healthCheckInterval(), d.healthCheckTimeout(), d.retryReads(), d.denyFunctions()), r);
    }

    @Test
    void choicesIgnoreCase() {
        RoutingConfig r = routing("{ autocommit_selects: Replica, balance: ROUND_ROBIN, primary_reads: Share,"
                + " consistency: Read_Your_Writes }");
        assertEquals(RoutingConfig.Target.REPLICA, r.autocommitSelects());
        assertEquals(RoutingConfig.Balance.ROUND_ROBIN, r.balance());
        assertEquals(RoutingConfig.PrimaryReads.SHARE, r.primaryReads());
        assertEquals(RoutingConfig.Consistency.READ_YOUR_WRITES, r.consistency());
    }

    @Test
    void maxReplicaLagIsBytesOrTimeNeverBoth() {
        record Lag(long bytes, Duration time) {
        }
        Map<String, Lag> cases = Map.ofEntries(
                Map.entry("16MB", new Lag(16L << 20, Duration.ZERO)),
                Map.entry("64kB", new Lag(64L << 10, Duration.ZERO)),
                Map.entry("1GiB", new Lag(1L << 30, Duration.ZERO)),
                Map.entry("1048576", new Lag(1 << 20, Duration.ZERO)),
                Map.entry("\"4096\"", new Lag(4096, Duration.ZERO)),
                Map.entry("0", new Lag(0, Duration.ZERO)),
                Map.entry("10s", new Lag(0, Duration.ofSeconds(10))),
                Map.entry("500ms", new Lag(0, Duration.ofMillis(500))),
                Map.entry("2m", new Lag(0, Duration.ofMinutes(2))),
                Map.entry("16m", new Lag(0, Duration.ofMinutes(16))), // minutes, as everywhere in the file
                Map.entry("1h", new Lag(0, Duration.ofHours(1))),
                Map.entry("0s", new Lag(0, Duration.ZERO)));
        cases.forEach((text, want) -> {
            RoutingConfig r = routing("max_replica_lag: " + text + "\n");
            assertEquals(want, new Lag(r.maxReplicaLagBytes(), r.maxReplicaLagTime()), text);
        });
    }

    @Test
    void replicaAsUrlOrWithWeight() {
        DatabaseConfig db = app("""
                databases:
                  app:
                    primary: postgres://h/app
                    replicas:
                      - postgres://r1/app
                      - { url: postgres://r2/app, weight: 3 }
                      - url: postgres://r3:5433/other
                      - { url: "postgres://u:p@r4/app", weight: "2" }
                """);
        assertEquals(List.of("r1:5432", "r2:5432", "r3:5433", "r4:5432"),
                db.replicas().stream().map(BackendUrl::hostPort).toList());
        assertEquals("other", db.replicas().get(2).database());
        assertEquals("u", db.replicas().get(3).user());
        assertEquals(List.of(1, 3, 1, 2), db.replicaWeights());
    }

    @Test
    void replicaMappingNeedsAUrlAndKnowsOnlyUrlAndWeight() {
        assertProblems("""
                databases:
                  app:
                    primary: postgres://h/app
                    replicas:
                      - { weight: 2 }
                      - { url: postgres://r/app, wieght: 2 }
                      - { url: postgres://r/app, weight: heavy }
                      - [postgres://r/app]
                """,
                "t.yaml:5:9: databases.app.replicas[0]: missing required key 'url'",
                "t.yaml:6:34: databases.app.replicas[1].wieght: unknown key 'wieght' (did you mean 'weight'?)",
                "t.yaml:7:34: databases.app.replicas[2].weight: expected a number",
                "t.yaml:8:9: databases.app.replicas[3]: expected a string");
    }

    @Test
    void routingTypeErrors() {
        assertProblems(withRouting("""
                autocommit_selects: replicas
                balance: random
                fallback_to_primary: maybe
                primary_reads: always
                max_replica_lag: lots
                consistency: strong
                ryw_timeout: 5x
                health_check_interval: soon
                health_check_timeout: [1s]
                retry_reads: 2
                deny_functions: audit_read
                deny_functoins: [x]
                """),
                "t.yaml:6:7: databases.app.routing.autocommit_selects: expected one of primary, replica",
                "t.yaml:7:7: databases.app.routing.balance: expected one of least_outstanding, round_robin",
                "t.yaml:8:7: databases.app.routing.fallback_to_primary: expected true or false",
                "t.yaml:9:7: databases.app.routing.primary_reads: expected one of fallback, share",
                "t.yaml:10:7: databases.app.routing.max_replica_lag: expected a size like 16MB or a duration like 10s",
                "t.yaml:11:7: databases.app.routing.consistency: expected one of eventual, read_your_writes",
                "t.yaml:12:7: databases.app.routing.ryw_timeout: expected a duration like 30s",
                "t.yaml:13:7: databases.app.routing.health_check_interval: expected a duration like 30s",
                "t.yaml:14:7: databases.app.routing.health_check_timeout: expected a string",
                "t.yaml:15:7: databases.app.routing.retry_reads: expected true or false",
                "t.yaml:16:7: databases.app.routing.deny_functions: expected a list",
                "t.yaml:17:7: databases.app.routing.deny_functoins: unknown key 'deny_functoins'"
                        + " (did you mean 'deny_functions'?)");
    }

    @Test
    void routingIsPerDatabaseOnly() {
        assertProblems("pool_defaults: { routing: { balance: round_robin } }\n",
                "t.yaml:1:18: pool_defaults.routing: unknown key 'routing'");
    }

    // ---------------------------------------------------------------- validation rules

    @Test
    void replicaWeightMustBeAtLeastOne() {
        assertProblems("""
                databases:
                  app:
                    primary: postgres://h/app
                    replicas:
                      - { url: postgres://r1/app, weight: 0 }
                      - postgres://r2/app
                      - url: postgres://r3/app
                        weight: -2
                      - { url: postgres://r4/app, weight: 1 }
                      - { url: postgres://r5/app, weight: 1000 }
                      - { url: postgres://r6/app, weight: 1001 }
                """,
                "t.yaml:5:35: databases.app.replicas[0].weight: must be between 1 and 1000",
                "t.yaml:8:9: databases.app.replicas[2].weight: must be between 1 and 1000",
                "t.yaml:11:35: databases.app.replicas[5].weight: must be between 1 and 1000");
    }

    @Test
    void healthCheckIntervalAndTimeoutMustBePositive() {
        assertProblems(withRouting("""
                health_check_interval: 0
                health_check_timeout: 0ms
                """),
                "t.yaml:6:7: databases.app.routing.health_check_interval: must be greater than 0",
                "t.yaml:7:7: databases.app.routing.health_check_timeout: must be greater than 0");
        assertEquals(Duration.ofMillis(1), routing("health_check_interval: 1ms\n").healthCheckInterval());
    }

    @Test
    void negativeDurationsAndLagsAreRefused() {
        assertProblems("""
                databases:
                  app:
                    primary: postgres://h/app
                    replicas: [postgres://r/app]
                    routing: { ryw_timeout: -1s, max_replica_lag: -5s }
                  b:
                    primary: postgres://h/b
                    replicas: [postgres://r/b]
                    routing: { max_replica_lag: -1MB, health_check_interval: -1s }
                """,
                "t.yaml:5:16: databases.app.routing.ryw_timeout: must not be negative",
                "t.yaml:5:34: databases.app.routing.max_replica_lag: must not be negative",
                "t.yaml:9:16: databases.b.routing.max_replica_lag: must not be negative",
                "t.yaml:9:39: databases.b.routing.health_check_interval: must not be negative");
    }

    @Test
    void rywTimeoutZeroIsAllowed() {
        assertEquals(Duration.ZERO, routing("ryw_timeout: 0\n").rywTimeout());
    }

    @Test
    void validatorHoldsConfigurationsBuiltInCodeToTheSameRules() {
        // negative values cannot come from YAML (the parser refuses them), but a record can hold them
        RoutingConfig d = RoutingConfig.defaults();
        RoutingConfig bad = new RoutingConfig(d.autocommitSelects(), d.balance(), d.fallbackToPrimary(),
                d.primaryReads(), -1, Duration.ZERO, d.consistency(), Duration.ofSeconds(-1), Duration.ZERO,
                Duration.ofSeconds(-1), d.retryReads(), List.of());
        BackendUrl url = BackendUrl.parse("postgres://h/app", "app");
        DatabaseConfig db = new DatabaseConfig("app", PoolConfig.defaults(), url, List.of(url),
                SessionStatePolicy.PIN, List.of(0), bad);
        ProxyConfig d0 = ProxyConfig.defaults();
        ProxyConfig config = new ProxyConfig(d0.listen(), d0.workers(), d0.shutdownTimeout(), d0.admin(),
                d0.metrics(), d0.limits(), d0.log(), d0.tls(), d0.users(), Map.of("app", db), "code");
        Problems problems = new Problems("code");
        ConfigValidator.validate(new ConfigMapper.Result(config, PoolConfig.defaults()), problems, new Locations());
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                problems::throwIfAny);
        assertEquals(List.of(
                        "databases.app.replicas[0].weight: must be between 1 and 1000",
                        "databases.app.routing.max_replica_lag: must not be negative",
                        "databases.app.routing.ryw_timeout: must not be negative",
                        "databases.app.routing.health_check_interval: must be greater than 0",
                        "databases.app.routing.health_check_timeout: must be greater than 0"),
                e.problems().stream().map(p -> p.path() + ": " + p.reason()).toList());
    }

    @Test
    void denyFunctionsMustBeBareNames() {
        assertProblems(withRouting("""
                deny_functions:
                  - audit_read
                  - ""
                  -
                  - public.audit_write
                  - touch()
                  - "\\"Mixed\\""
                  - two words
                  - ÄÖ_fn
                """),
                "t.yaml:8:11: databases.app.routing.deny_functions[1]: must not be empty",
                "t.yaml:9:10: databases.app.routing.deny_functions[2]: must not be empty",
                "t.yaml:10:11: databases.app.routing.deny_functions[3]: give the bare function name, without schema,"
                        + " quotes, arguments or spaces (a call matches by name in any schema)",
                "t.yaml:11:11: databases.app.routing.deny_functions[4]: give the bare function name, without schema,"
                        + " quotes, arguments or spaces (a call matches by name in any schema)",
                "t.yaml:12:11: databases.app.routing.deny_functions[5]: give the bare function name, without schema,"
                        + " quotes, arguments or spaces (a call matches by name in any schema)",
                "t.yaml:13:11: databases.app.routing.deny_functions[6]: give the bare function name, without schema,"
                        + " quotes, arguments or spaces (a call matches by name in any schema)");
    }

    @Test
    void routingWithoutReplicasIsAllowedEvenWhereItCannotMatterYet() {
        // no warning mechanism exists in the loader: settings that need replicas wait for them silently
        DatabaseConfig db = app("""
                databases:
                  app:
                    primary: postgres://h/app
                    routing:
                      autocommit_selects: replica
                      consistency: read_your_writes
                      balance: round_robin
                """);
        assertEquals(List.of(), db.replicas());
        assertEquals(RoutingConfig.Target.REPLICA, db.routing().autocommitSelects());
        assertEquals(RoutingConfig.Consistency.READ_YOUR_WRITES, db.routing().consistency());
    }

    @Test
    void problemsOfSeveralDatabasesAreAllReported() {
        assertProblems("""
                databases:
                  a:
                    primary: postgres://h/a
                    replicas: [{ url: postgres://r/a, weight: 0 }]
                    routing: { health_check_timeout: 0 }
                  b:
                    primary: postgres://h/b
                    pool: { size: 0 }
                    routing: { deny_functions: [""] }
                """,
                "t.yaml:4:39: databases.a.replicas[0].weight: must be between 1 and 1000",
                "t.yaml:5:16: databases.a.routing.health_check_timeout: must be greater than 0",
                "t.yaml:8:13: databases.b.pool.size: must be at least 1",
                "t.yaml:9:33: databases.b.routing.deny_functions[0]: must not be empty");
    }
}
