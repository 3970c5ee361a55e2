package io.pgmux.config;

import static io.pgmux.config.TestYaml.assertProblems;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** {@link ProxyConfig#defaults()} with another source name. */
    private static ProxyConfig defaultsFrom(String source) {
        ProxyConfig d = ProxyConfig.defaults();
        return new ProxyConfig(d.listen(), d.workers(), d.shutdownTimeout(), d.admin(), d.metrics(), d.limits(),
                d.log(), d.tls(), d.users(), d.databases(), source);
    }

    @Test
    void emptyOrCommentOnlyFileGivesAllDefaults() {
        assertEquals(defaultsFrom("t.yaml"), parse(""));
        assertEquals(defaultsFrom("t.yaml"), parse("# nothing here\n\n   # still nothing\n"));
        assertEquals(defaultsFrom("t.yaml"), parse("---\n...\n"));
    }

    @Test
    void builtInDefaults() {
        ProxyConfig c = ConfigLoader.defaults();
        assertEquals("0.0.0.0:6432", c.listen().toString());
        assertEquals(0, c.workers());
        assertEquals(TransportKind.AUTO, c.transport());
        assertEquals(ProxyConfig.autoWorkers(Runtime.getRuntime().availableProcessors()), c.effectiveWorkers());
        assertEquals(1, ProxyConfig.autoWorkers(1));
        assertEquals(1, ProxyConfig.autoWorkers(2));
        assertEquals(2, ProxyConfig.autoWorkers(5));
        assertEquals(8, ProxyConfig.autoWorkers(16));
        assertEquals(Duration.ofSeconds(30), c.shutdownTimeout());
        assertEquals(new AdminConfig(new HostPort("127.0.0.1", 6433), List.of()), c.admin());
        assertEquals(new MetricsConfig(new HostPort("127.0.0.1", 9930)), c.metrics());
        assertEquals(new LimitsConfig(10000, Duration.ofSeconds(120), 268435456, Duration.ofSeconds(30), 10000),
                c.limits());
        assertEquals(new LogConfig("info", LogFormat.TEXT), c.log());
        assertFalse(c.log().queries());
        assertEquals(Duration.ofSeconds(1), c.log().slowQueryThreshold());
        assertTrue(c.log().logsQueries(), "the slow-query log is on by default");
        assertEquals(new PoolConfig(PoolMode.TRANSACTION, 20, 0, Duration.ofHours(1), Duration.ofMinutes(10),
                Duration.ofSeconds(5), "DISCARD ALL", 200, List.of()), PoolConfig.defaults());
        assertEquals(List.of(), c.users());
        assertEquals(Map.of(), c.databases());
        assertEquals("<defaults>", c.source());
    }

    @Test
    void emptySectionsKeepTheirDefaults() {
        assertEquals(defaultsFrom("t.yaml"),
                parse("admin:\nmetrics:\nlimits:\nlog:\npool_defaults:\nusers:\ndatabases:\n"));
        assertEquals(defaultsFrom("t.yaml"), parse("admin: {}\nusers: []\ndatabases: {}\n"));
    }

    @Test
    void limitsCopiesForSetKeepEveryOtherLimit() {
        LimitsConfig l = parse("limits: { query_timeout: 5m, idle_transaction_timeout: 30s, client_idle_timeout: 1h }")
                .limits();
        assertEquals(Duration.ofMinutes(5), l.queryTimeout());
        LimitsConfig waited = l.withQueryWaitTimeout(Duration.ofSeconds(7));
        assertEquals(Duration.ofSeconds(7), waited.queryWaitTimeout());
        assertEquals(l, waited.withQueryWaitTimeout(l.queryWaitTimeout()));
        LimitsConfig more = l.withMaxClientConnections(3);
        assertEquals(3, more.maxClientConnections());
        assertEquals(l, more.withMaxClientConnections(l.maxClientConnections()));
        assertEquals(LimitsConfig.defaults(), new LimitsConfig(10_000, Duration.ofSeconds(120), 256 << 20,
                Duration.ofSeconds(30), 10_000), "the short constructor leaves the three timeouts off");
    }

    @Test
    void everyKey() {
        ProxyConfig c = parse("""
                listen: "[::1]:7000"
                workers: 4
                shutdown_timeout: 1m
                admin:
                  listen: 127.0.0.1:7001
                  users: [boss]
                metrics:
                  listen: 127.0.0.1:7002
                limits:
                  max_client_connections: 500
                  query_wait_timeout: 0
                  max_message_size: 64MB
                  auth_timeout: 10s
                  max_client_prepared_statements: 50
                  query_timeout: 5m
                  idle_transaction_timeout: 30s
                  client_idle_timeout: 1h
                log:
                  level: DEBUG
                  format: json
                  queries: true
                  slow_query_threshold: 250ms
                users:
                  - { name: app, password: app }
                  - { name: boss, password: "%s", auth: scram-sha-256 }
                  - { name: legacy, password: %s, auth: md5 }
                  - { name: old, password: x, auth: cleartext }
                  - { name: local, auth: trust }
                databases:
                  app:
                    pool:
                      mode: session
                      size: 30
                      min_idle: 2
                      max_lifetime: 2h
                      idle_timeout: 0
                      connect_timeout: 500ms
                      server_reset_query: ""
                      max_prepared_statements: 0
                      track_extra_parameters: [search_path, statement_timeout]
                    primary: postgres://app:app@127.0.0.1:5432/app
                    replicas: [ "postgres://app:app@127.0.0.1:5433/app", postgresql://r2/x ]
                """.formatted(SecretTest.SCRAM, SecretTest.MD5));
        assertEquals(new HostPort("::1", 7000), c.listen());
        assertEquals(4, c.workers());
        assertEquals(4, c.effectiveWorkers());
        assertEquals(Duration.ofMinutes(1), c.shutdownTimeout());
        assertEquals(new AdminConfig(new HostPort("127.0.0.1", 7001), List.of("boss")), c.admin());
        assertEquals(new MetricsConfig(new HostPort("127.0.0.1", 7002)), c.metrics());
        assertEquals(new LimitsConfig(500, Duration.ZERO, 64 << 20, Duration.ofSeconds(10), 50, Duration.ofMinutes(5),
                Duration.ofSeconds(30), Duration.ofHours(1)), c.limits());
        assertEquals(new LogConfig("debug", LogFormat.JSON, true, Duration.ofMillis(250)), c.log());
        assertEquals(List.of(
                new UserConfig("app", Secret.of("app"), AuthMethod.SCRAM_SHA_256),
                new UserConfig("boss", Secret.of(SecretTest.SCRAM), AuthMethod.SCRAM_SHA_256),
                new UserConfig("legacy", Secret.of(SecretTest.MD5), AuthMethod.MD5),
                new UserConfig("old", Secret.of("x"), AuthMethod.PASSWORD),
                new UserConfig("local", null, AuthMethod.TRUST)), c.users());
        assertEquals(Secret.Kind.SCRAM_SHA_256, c.user("boss").orElseThrow().password().kind());
        DatabaseConfig app = c.database("app").orElseThrow();
        assertEquals(new PoolConfig(PoolMode.SESSION, 30, 2, Duration.ofHours(2), Duration.ZERO,
                Duration.ofMillis(500), "", 0, List.of("search_path", "statement_timeout")), app.pool());
        assertEquals(new BackendUrl("127.0.0.1", 5432, "app", "app", "app", Map.of()), app.primary());
        assertEquals(List.of(new BackendUrl("127.0.0.1", 5433, "app", "app", "app", Map.of()),
                new BackendUrl("r2", 5432, "x", null, null, Map.of())), app.replicas());
        assertEquals("app", app.name());
    }

    @Test
    void poolDefaultsFillEachDatabaseKeyByKey() {
        ProxyConfig c = parse("""
                pool_defaults:
                  mode: session
                  size: 10
                  min_idle: 1
                databases:
                  a:
                    pool: { size: 5, idle_timeout: 1m }
                    primary: postgres://h/a
                  b:
                    primary: postgres://h/b
                """);
        PoolConfig builtIn = PoolConfig.defaults();
        assertEquals(new PoolConfig(PoolMode.SESSION, 5, 1, builtIn.maxLifetime(), Duration.ofMinutes(1),
                builtIn.connectTimeout(), builtIn.serverResetQuery(), builtIn.maxPreparedStatements(), List.of()),
                c.database("a").orElseThrow().pool());
        assertEquals(new PoolConfig(PoolMode.SESSION, 10, 1, builtIn.maxLifetime(), builtIn.idleTimeout(),
                builtIn.connectTimeout(), builtIn.serverResetQuery(), builtIn.maxPreparedStatements(), List.of()),
                c.database("b").orElseThrow().pool());
    }

    @Test
    void databasesKeepFileOrderAndDefaultTheirServerDatabaseToTheirName() {
        ProxyConfig c = parse("""
                databases:
                  zeta: { primary: "postgres://h" }
                  alpha: { primary: "postgres://h/real_name" }
                  mid: { primary: "postgres://h/" }
                """);
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(c.databases().keySet()));
        assertEquals("zeta", c.database("zeta").orElseThrow().primary().database());
        assertEquals("real_name", c.database("alpha").orElseThrow().primary().database());
        assertEquals("mid", c.database("mid").orElseThrow().primary().database());
        assertTrue(c.database("nope").isEmpty());
        assertTrue(c.user("nope").isEmpty());
    }

    @Test
    void listenersCanBeDisabled() {
        for (String off : new String[] {"\"\"", "off", "OFF", "false", "", "~"}) {
            ProxyConfig c = parse("admin:\n  listen: " + off + "\nmetrics:\n  listen: " + off + "\n");
            assertNull(c.admin().listen(), off);
            assertFalse(c.admin().enabled(), off);
            assertNull(c.metrics().listen(), off);
            assertFalse(c.metrics().enabled(), off);
        }
    }

    @Test
    void listenWithoutHostMeansAllAddresses() {
        assertEquals(new HostPort("0.0.0.0", 7432), parse("listen: :7432\n").listen());
    }

    @Test
    void environmentSubstitutionInAnyScalarBeforeTypeConversion() {
        ProxyConfig c = parse("""
                users:
                  - { name: app, password: "${APP_PASSWORD}" }
                databases:
                  app:
                    pool: { size: "${POOL_SIZE}", min_idle: "${MIN_IDLE:-3}" }
                    primary: postgres://${DB_HOST}:${DB_PORT:-5433}/app
                """);
        assertEquals(Secret.of("from-env"), c.user("app").orElseThrow().password());
        assertEquals(7, c.database("app").orElseThrow().pool().size());
        assertEquals(3, c.database("app").orElseThrow().pool().minIdle());
        assertEquals("db9:5433", c.database("app").orElseThrow().primary().hostPort());
    }

    @Test
    void doubleDollarEscapesAndScramVerifiersNeedNoEscaping() {
        ProxyConfig c = parse("users:\n  - { name: a, password: \"pa$$word\" }\n  - { name: b, password: \""
                + SecretTest.SCRAM + "\" }\n");
        assertEquals(Secret.of("pa$word"), c.user("a").orElseThrow().password());
        assertEquals(Secret.of(SecretTest.SCRAM), c.user("b").orElseThrow().password());
    }

    @Test
    void unsetVariableIsAProblemAtItsKey() {
        assertProblems("""
                users:
                  - name: app
                    password: ${NOT_SET}
                """,
                "t.yaml:3:5: users[0].password: environment variable 'NOT_SET' is not set");
    }

    @Test
    void processEnvironmentIsUsedByDefault() throws ConfigException {
        String name = System.getenv().keySet().stream().filter(k -> k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .findFirst().orElseThrow();
        ProxyConfig c = ConfigLoader.parse("users: [{name: \"${" + name + "}\", auth: trust}]\n", "s");
        assertEquals(System.getenv(name), c.users().get(0).name());
        assertEquals("<string>", ConfigLoader.parse("").source());
    }

    @Test
    void enumSpellingsIgnoreCaseAndPasswordAliases() {
        ProxyConfig c = parse("""
                log: { level: Warn, format: JSON }
                pool_defaults: { mode: Statement }
                users:
                  - { name: a, password: x, auth: plain }
                  - { name: b, password: x, auth: CLEARTEXT }
                  - { name: c, password: x, auth: MD5 }
                """);
        assertEquals(new LogConfig("warn", LogFormat.JSON), c.log());
        assertEquals(List.of(AuthMethod.PASSWORD, AuthMethod.PASSWORD, AuthMethod.MD5),
                c.users().stream().map(UserConfig::auth).toList());
        assertEquals("scram-sha-256", AuthMethod.SCRAM_SHA_256.configName());
        assertEquals("statement", PoolMode.STATEMENT.configName());
    }

    @Test
    void numbersMayBeQuotedOrUseUnderscores() {
        ProxyConfig c = parse("workers: \"3\"\nlimits: { max_client_connections: 20_000 }\n");
        assertEquals(3, c.workers());
        assertEquals(20_000, c.limits().maxClientConnections());
    }

    @Test
    void emptyPasswordIsNoPassword() {
        assertNull(parse("users: [{name: a, password: \"\", auth: trust}]\n").users().get(0).password());
    }

    @Test
    void loadedConfigIsImmutable() {
        ProxyConfig c = parse("users: [{name: a, auth: trust}]\ndatabases: {d: {primary: postgres://h}}\n");
        assertThrows(UnsupportedOperationException.class, () -> c.users().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.databases().clear());
        assertThrows(UnsupportedOperationException.class, () -> c.database("d").orElseThrow().replicas().clear());
    }

    @Test
    void toStringShowsNoSecrets() {
        String text = parse("""
                users: [{ name: app, password: hunter2 }]
                databases: { app: { primary: "postgres://app:hunter3@h/app?sslpassword=hunter4" } }
                """).toString();
        assertFalse(text.contains("hunter"), text);
        assertTrue(text.contains("postgres://app:***@h:5432/app?sslpassword=***"), text);
    }

    @Test
    void loadsAFileAndNamesItInProblems(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, "workers: 2\n");
        assertEquals(2, ConfigLoader.load(file, Map.of()).workers());
        assertEquals(file.toString(), ConfigLoader.load(file).source());
        Files.writeString(file, "workers: two\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ":1:1: workers: expected a number", e.getMessage());
    }

    @Test
    void transportKinds(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("pgmux.yaml");
        for (TransportKind kind : TransportKind.values()) {
            Files.writeString(file, "transport: " + kind.configName() + "\n");
            assertEquals(kind, ConfigLoader.load(file, Map.of()).transport());
        }
        Files.writeString(file, "transport: kqueue\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertEquals(file + ":1:1: transport: expected one of auto, io_uring, epoll, nio", e.getMessage());
    }

    @Test
    void onSessionStateListsItsSpellings(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pgmux.yaml");
        Files.writeString(file, "databases: { app: { primary: postgres://a@h/app, on_session_state: sticky } }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
        assertTrue(e.getMessage().endsWith("databases.app.on_session_state: expected one of pin, error, ignore"),
                e.getMessage());
    }

    @Test
    void unreadableFiles(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
        assertEquals(missing + ": file not found", e.getMessage());
        assertEquals(0, e.line());

        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "log: {level: d\u00e9bug}\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
        assertEquals(latin1 + ": file is not valid UTF-8", e.getMessage());
    }

    @Test
    void queryLoggingKeys() {
        assertEquals(new LogConfig("info", LogFormat.TEXT, true, Duration.ZERO),
                parse("log: { queries: yes, slow_query_threshold: 0 }\n").log());
        LogConfig off = parse("log: { queries: false, slow_query_threshold: 0 }\n").log();
        assertFalse(off.logsQueries(), "both off: sessions need not keep the SQL");
        assertEquals(Duration.ofSeconds(3), parse("log: { slow_query_threshold: 3 }\n").log().slowQueryThreshold());
        assertTrue(parse("log: { queries: On, slow_query_threshold: 0 }\n").log().logsQueries());
    }
}
