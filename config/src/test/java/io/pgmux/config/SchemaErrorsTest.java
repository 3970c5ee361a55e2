package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.fail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** Problems found while mapping YAML onto the schema: syntax, unknown keys, types, missing keys. */
class SchemaErrorsTest {

    @Test
    void unknownKeySuggestsTheClosestKnownOne() {
        assertProblems("""
                databases:
                  app:
                    pool:
                      sise: 5
                    primary: postgres://h
                """,
                "t.yaml:4:7: databases.app.pool.sise: unknown key 'sise' (did you mean 'size'?)");
    }

    @Test
    void unknownKeysAtEveryLevel() {
        assertProblems("""
                listn: :6432
                shutdown: 1s
                admin: { listen: off, user: [a] }
                users:
                  - { name: a, pasword: x }
                pool_defaults: { maxPreparedStatements: 5 }
                databases:
                  app: { primary: postgres://h, replica: [] }
                """,
                "t.yaml:1:1: listn: unknown key 'listn' (did you mean 'listen'?)",
                "t.yaml:2:1: shutdown: unknown key 'shutdown'",
                "t.yaml:3:23: admin.user: unknown key 'user' (did you mean 'users'?)",
                "t.yaml:5:16: users[0].pasword: unknown key 'pasword' (did you mean 'password'?)",
                "t.yaml:6:18: pool_defaults.maxPreparedStatements: unknown key 'maxPreparedStatements'"
                        + " (did you mean 'max_prepared_statements'?)",
                "t.yaml:8:33: databases.app.replica: unknown key 'replica' (did you mean 'replicas'?)");
    }

    @Test
    void wrongTypes() {
        assertProblems("""
                listen: 6432
                workers: many
                shutdown_timeout: soon
                admin: [127.0.0.1:6433]
                metrics:
                  listen: { host: x }
                limits:
                  max_message_size: huge
                  query_wait_timeout: -1s
                log:
                  level: verbose
                  format: xml
                users: { name: a }
                """,
                "t.yaml:1:1: listen: expected host:port, like 0.0.0.0:6432",
                "t.yaml:2:1: workers: expected a number",
                "t.yaml:3:1: shutdown_timeout: expected a duration like 30s",
                "t.yaml:4:1: admin: expected a mapping",
                "t.yaml:6:3: metrics.listen: expected a string",
                "t.yaml:8:3: limits.max_message_size: expected a size like 256MB",
                "t.yaml:9:3: limits.query_wait_timeout: must not be negative",
                "t.yaml:11:3: log.level: expected one of error, warn, info, debug, trace",
                "t.yaml:12:3: log.format: expected one of text, json",
                "t.yaml:13:1: users: expected a list");
    }

    @Test
    void wrongTypesInUsersAndDatabases() {
        assertProblems("""
                users:
                  - app
                  - { name: [a], password: { p: 1 }, auth: kerberos }
                databases:
                  app:
                    pool:
                      mode: fast
                      size: 1.5
                      track_extra_parameters: search_path
                    primary: mysql://h
                    replicas: postgres://h
                  other: postgres://h
                """,
                "t.yaml:2:5: users[0]: expected a mapping",
                "t.yaml:3:7: users[1].name: expected a string",
                "t.yaml:3:18: users[1].password: expected a string",
                "t.yaml:3:38: users[1].auth: expected one of scram-sha-256, md5, password, trust, cert",
                "t.yaml:7:7: databases.app.pool.mode: expected one of session, transaction, statement",
                "t.yaml:8:7: databases.app.pool.size: expected a number",
                "t.yaml:9:7: databases.app.pool.track_extra_parameters: expected a list",
                "t.yaml:10:5: databases.app.primary: expected a postgres:// or postgresql:// URL",
                "t.yaml:11:5: databases.app.replicas: expected a list",
                "t.yaml:12:3: databases.other: expected a mapping");
    }

    @Test
    void listItemsAreLocatedByIndex() {
        assertProblems("""
                admin:
                  users:
                    - a
                    - [b]
                databases:
                  app:
                    primary: postgres://h
                    replicas:
                      - postgres://r1
                      - postgres://r2:99999
                """,
                "t.yaml:4:7: admin.users[1]: expected a string",
                "t.yaml:10:9: databases.app.replicas[1]: URL port must be between 1 and 65535");
    }

    @Test
    void missingRequiredKeys() {
        assertProblems("""
                users:
                  - password: x
                databases:
                  app:
                    pool: { size: 3 }
                  empty:
                """,
                "t.yaml:2:5: users[0]: missing required key 'name'",
                "t.yaml:4:3: databases.app: missing required key 'primary'",
                "t.yaml:6:3: databases.empty: missing required key 'primary'");
    }

    @Test
    void duplicateKeys() {
        assertProblems("""
                workers: 1
                limits:
                  auth_timeout: 5s
                  auth_timeout: 6s
                workers: 2
                """,
                "t.yaml:4:3: limits.auth_timeout: duplicate key 'auth_timeout' (first at line 3)",
                "t.yaml:5:1: workers: duplicate key 'workers' (first at line 1)");
    }

    @Test
    void mergeKeysAndNonStringKeys() {
        assertProblems("""
                base: &base { size: 5 }
                pool_defaults:
                  <<: *base
                  [a]: 1
                """,
                "t.yaml:1:1: base: unknown key 'base'",
                "t.yaml:3:3: pool_defaults: merge keys (<<) are not supported",
                "t.yaml:4:3: pool_defaults: keys must be strings");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertProblems("- listen: :6432\n", "t.yaml:1:1: expected a mapping");
        assertProblems("just text\n", "t.yaml:1:1: expected a mapping");
    }

    @Test
    void yamlSyntaxErrorsHaveTheirPosition() {
        assertProblems("""
                listen: :6432
                admin:
                  listen: a: b
                """,
                "t.yaml:3:12: invalid YAML: mapping values are not allowed here");
        assertProblems("workers: 1\n\tlog: {}\n",
                "t.yaml:2:1: invalid YAML: while scanning for the next token:"
                        + " found character '\\t(TAB)' that cannot start any token."
                        + " (Do not use \\t(TAB) for indentation)");
        assertProblems("workers: 1\n---\nworkers: 2\n",
                "t.yaml:2:1: invalid YAML: expected a single document in the stream but found another document");
    }

    @Test
    void syntaxErrorsDoNotQuoteTheLine() {
        ConfigException e = fail("users:\n  - { name: a, password: hunter2 ]\n");
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void aliasBombsAreRefused() {
        // snakeyaml gives no position for this one.
        assertProblems("""
                a: &a [x, x, x, x, x, x, x, x, x, x]
                b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
                c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
                """,
                "t.yaml: invalid YAML: Number of aliases for non-scalar nodes exceeds the specified max=10");
    }

    @Test
    void everyProblemIsReportedWithAccessorsForTheFirst() {
        ConfigException e = fail("""
                workers: x
                log: { level: loud }
                bogus: 1
                """);
        assertEquals(3, e.problems().size());
        assertEquals("t.yaml", e.source());
        assertEquals(1, e.line());
        assertEquals(1, e.column());
        assertEquals("workers", e.path());
        assertEquals("expected a number", e.reason());
        assertEquals(new ConfigException.Problem("t.yaml", 2, 8, "log.level",
                "expected one of error, warn, info, debug, trace"), e.problems().get(1));
    }

    @Test
    void unknownKeysThatDoNotLookLikeNamesAreNotEchoed() {
        assertProblems("""
                users:
                  - { name: a, password hunter2 }
                """,
                "t.yaml:2:16: users[0]: unknown key with spaces or symbols (not shown in case it holds a secret)");
    }

    @Test
    void secretsNeverAppearInProblems() {
        ConfigException e = fail("""
                users:
                  - { name: a, password: "SCRAM-SHA-256$4096:c2FsdA==$hunter2:hunter3" }
                databases:
                  app: { primary: "postgres://u:hun/ter4@h/app" }
                """);
        assertEquals("""
                t.yaml:2:16: users[0].password: malformed SCRAM-SHA-256 verifier: keys must be 32 bytes
                t.yaml:4:10: databases.app.primary: '/' before '@' in the URL; \
                percent-encode '@', '/' and '?' in the user name and password (%40, %2F, %3F)""", e.getMessage());
    }

    @Test
    void wrongQueryLoggingValues() {
        assertProblems("""
                log:
                  queries: sometimes
                  slow_query_threshold: -1s
                """,
                "t.yaml:2:3: log.queries: expected true or false",
                "t.yaml:3:3: log.slow_query_threshold: must not be negative");
        assertProblems("log: { slow_query_threshold: fast }\n",
                "t.yaml:1:8: log.slow_query_threshold: expected a duration like 30s");
    }
}
