package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules checked on a well-typed configuration: ranges, names, references, listen addresses. */
class ValidationTest {

    @Test
    void messageFormatOfTheSpecification() {
        String yaml = """
                # pgmux
                listen: 0.0.0.0:6432
                users:
                  - { name: app, password: app }
                databases:
                  app:
                    primary: postgres://app:app@127.0.0.1:5432/app
                    replicas: []
                    # the pool
                    pool:
                      mode: transaction
                      size: 0
                """;
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "config/pgmux.yaml", Map.of()));
        assertEquals("config/pgmux.yaml:12:7: databases.app.pool.size: must be at least 1", e.getMessage());
        assertEquals("config/pgmux.yaml", e.source());
        assertEquals(12, e.line());
        assertEquals(7, e.column());
        assertEquals("databases.app.pool.size", e.path());
        assertEquals("must be at least 1", e.reason());
    }

    @Test
    void userNamesMustBeUniqueAndNotEmpty() {
        assertProblems("""
                users:
                  - { name: app, auth: trust }
                  - { name: "", auth: trust }
                  - name: app
                    auth: trust
                """,
                "t.yaml:3:7: users[1].name: must not be empty",
                "t.yaml:4:5: users[2].name: duplicate user 'app' (first at line 2)");
    }

    @Test
    void authFailureDelayIsShorterThanTheAuthTimeout() {
        assertProblems("limits: { auth_timeout: 5s, auth_failure_delay: 5s }\n",
                "t.yaml:1:29: limits.auth_failure_delay: must be shorter than limits.auth_timeout (5000ms), which would "
                        + "otherwise end the login first");
        assertEquals(java.time.Duration.ofSeconds(2),
                TestYaml.parse("limits: { auth_failure_delay: 2s }\n").limits().authFailureDelay());
        assertEquals(java.time.Duration.ZERO, TestYaml.parse("listen: :6432\n").limits().authFailureDelay());
    }

    @Test
    void everyAuthButTrustAndCertNeedsAPassword() {
        assertProblems("""
                users:
                  - { name: a }
                  - { name: b, auth: md5 }
                  - { name: c, auth: password, password: "" }
                  - { name: d, auth: trust }
                """,
                "t.yaml:2:5: users[0].password: required unless auth is trust or cert",
                "t.yaml:3:5: users[1].password: required unless auth is trust or cert",
                "t.yaml:4:32: users[2].password: required unless auth is trust or cert");
    }

    @Test
    void md5HashCannotServeScram() {
        assertProblems("""
                users:
                  - name: legacy
                    password: %s
                """.formatted(SecretTest.MD5),
                "t.yaml:3:5: users[0].password: an md5 hash cannot be used for SCRAM authentication;"
                        + " give the plain password or a SCRAM-SHA-256 verifier");
    }

    @Test
    void scramVerifierWithMd5AuthAndMd5HashWithPasswordAuthAreFine() {
        ProxyConfig c = parse("""
                users:
                  - { name: a, password: "%s", auth: md5 }
                  - { name: b, password: %s, auth: password }
                  - { name: c, password: %s, auth: md5 }
                  - { name: d, password: pw, auth: trust }
                """.formatted(SecretTest.SCRAM, SecretTest.MD5, SecretTest.MD5));
        assertEquals(4, c.users().size());
    }

    @Test
    void adminUsersMustBeDefined() {
        assertProblems("""
                users: [{ name: admin, password: x }]
                admin:
                  users: [admin, root, Admin]
                """,
                "t.yaml:3:18: admin.users[1]: user 'root' is not defined in users",
                "t.yaml:3:24: admin.users[2]: user 'Admin' is not defined in users");
    }

    @Test
    void databaseNameMustNotBeEmpty() {
        assertProblems("""
                databases:
                  "": { primary: postgres://h/x }
                """,
                "t.yaml:2:3: databases: database name must not be empty");
    }

    @Test
    void poolRanges() {
        assertProblems("""
                databases:
                  a:
                    primary: postgres://h
                    pool: { size: 0, min_idle: -1, max_prepared_statements: -1 }
                  b:
                    primary: postgres://h
                    pool:
                      size: 4
                      min_idle: 5
                """,
                "t.yaml:4:13: databases.a.pool.size: must be at least 1",
                "t.yaml:4:22: databases.a.pool.min_idle: must be at least 0",
                "t.yaml:4:36: databases.a.pool.max_prepared_statements: must be at least 0",
                "t.yaml:9:7: databases.b.pool.min_idle: must not exceed size (4)");
    }

    @Test
    void minIdleAndSizeAreComparedAfterMerging() {
        assertProblems("""
                pool_defaults:
                  min_idle: 5
                databases:
                  a:
                    primary: postgres://h
                    pool: { size: 3 }
                  b:
                    primary: postgres://h
                    pool: { size: 30, min_idle: 40 }
                  c:
                    primary: postgres://h
                """,
                "t.yaml:6:13: databases.a.pool.size: must not be less than min_idle (5)",
                "t.yaml:9:23: databases.b.pool.min_idle: must not exceed size (30)");
    }

    @Test
    void badPoolDefaultsAreReportedOnceNotPerDatabase() {
        assertProblems("""
                pool_defaults:
                  size: 0
                  min_idle: 30
                databases:
                  a: { primary: postgres://h }
                  b: { primary: postgres://h }
                """,
                "t.yaml:2:3: pool_defaults.size: must be at least 1");
        assertProblems("""
                pool_defaults:
                  min_idle: 30
                """,
                "t.yaml:2:3: pool_defaults.min_idle: must not exceed size (20)");
    }

    @Test
    void limitsAndWorkers() {
        assertProblems("""
                workers: -1
                limits:
                  max_client_connections: 0
                  max_client_prepared_statements: -1
                  max_message_size: 1023
                """,
                "t.yaml:1:1: workers: must be at least 0",
                "t.yaml:3:3: limits.max_client_connections: must be at least 1",
                "t.yaml:4:3: limits.max_client_prepared_statements: must be at least 0",
                "t.yaml:5:3: limits.max_message_size: must be between 1kB and 1GB");
    }

    @Test
    void maxMessageSizeUpToPostgresOwnLimit() {
        assertEquals(1024, parse("limits: { max_message_size: 1kB }").limits().maxMessageSize());
        assertEquals(1 << 30, parse("limits: { max_message_size: 1GB }").limits().maxMessageSize());
        assertProblems("limits: { max_message_size: 1073741825 }",
                "t.yaml:1:11: limits.max_message_size: must be between 1kB and 1GB");
        assertProblems("limits: { max_message_size: 5GB }",
                "t.yaml:1:11: limits.max_message_size: must be between 1kB and 1GB");
    }

    @Test
    void listenAddressesMustDiffer() {
        assertProblems("""
                listen: 127.0.0.1:6432
                admin:
                  listen: 127.0.0.1:6432
                metrics:
                  listen: 127.0.0.1:6432
                """,
                "t.yaml:3:3: admin.listen: address conflicts with listen (127.0.0.1:6432)",
                "t.yaml:5:3: metrics.listen: address conflicts with listen (127.0.0.1:6432)",
                "t.yaml:5:3: metrics.listen: address conflicts with admin.listen (127.0.0.1:6432)");
    }

    @Test
    void conflictIsReportedWhereItWasWritten() {
        // admin.listen keeps its default 127.0.0.1:6433; only metrics.listen is in the file.
        assertProblems("""
                metrics:
                  listen: 127.0.0.1:6433
                """,
                "t.yaml:2:3: metrics.listen: address conflicts with admin.listen (127.0.0.1:6433)");
        assertProblems("""
                listen: 127.0.0.1:9930
                """,
                "t.yaml:1:1: listen: address conflicts with metrics.listen (127.0.0.1:9930)");
    }

    @Test
    void wildcardOverlapsEveryHostOnItsPort() {
        assertProblems("""
                listen: :7000
                admin: { listen: "127.0.0.1:7000" }
                metrics: { listen: "[::]:7000" }
                """,
                "t.yaml:2:10: admin.listen: address conflicts with listen (0.0.0.0:7000)",
                "t.yaml:3:12: metrics.listen: address conflicts with listen (0.0.0.0:7000)",
                "t.yaml:3:12: metrics.listen: address conflicts with admin.listen (127.0.0.1:7000)");
    }

    @Test
    void differentHostsPortZeroAndDisabledListenersDoNotConflict() {
        parse("listen: 10.0.0.1:7000\nadmin: { listen: 10.0.0.2:7000 }\n");
        parse("listen: 127.0.0.1:0\nadmin: { listen: 127.0.0.1:0 }\nmetrics: { listen: 127.0.0.1:0 }\n");
        parse("listen: 127.0.0.1:6433\nadmin: { listen: off }\n");
    }

    @Test
    void validationWaitsUntilTheFileMapsCleanly() {
        // workers: -1 would be a validation problem; it shows only once the type error is fixed.
        assertProblems("workers: -1\nlog: { level: loud }\n",
                "t.yaml:2:8: log.level: expected one of error, warn, info, debug, trace");
        assertProblems("workers: -1\nlog: { level: warn }\n", "t.yaml:1:1: workers: must be at least 0");
    }
}
