package io.pgmux.it;

import io.pgmux.it.support.Eventually;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the command line of the packaged fat jar, run as a user would ({@code java -jar
 * proxy/target/pgmux.jar ...} in a subprocess): {@code --check} accepts a valid configuration with
 * exit status 0; an invalid one exits with status 2 and names file, line, column and key path for
 * each problem (unknown keys first, then value rules), without echoing the password; {@code
 * --version} prints the version; a missing file is a configuration error too. Skipped when the
 * proxy module has not been packaged.
 */
class CliIT {
    static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("user.dir")).resolve("../proxy/target/pgmux.jar").normalize();
        assumeTrue(Files.isRegularFile(jar), "proxy/target/pgmux.jar not built (mvn package in proxy/)");
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pgmux " + String.join(" ", args) + " did not exit within 60 s");
        }
        return new Result(p.exitValue(), out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<" + e + ">";
            }
        });
    }

    private Path write(String name, String yaml) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    /** 1-based number of the first line of {@code yaml} containing {@code text}. */
    private static int lineOf(String yaml, String text) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException(text);
    }

    private static final String VALID = """
            listen: 127.0.0.1:6432
            admin: { listen: off }
            metrics: { listen: off }
            limits: { max_client_connections: 100, query_wait_timeout: 5s }
            users:
              - { name: app, password: app }
            databases:
              app:
                pool:
                  mode: transaction
                  size: 4
                primary: postgres://app:Sup3rS3cret@127.0.0.1:5432/app
            """;

    @Test
    void checkAcceptsAValidConfig() throws Exception {
        Path f = write("valid.yaml", VALID);
        Result r = run("--check", "--config", f.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("OK"), r::toString);
    }

    @Test
    void unknownKeyExitsTwoWithFileLineAndKeyPath() throws Exception {
        String yaml = VALID.replace("      size: 4", "      sise: 4");
        Path f = write("unknown.yaml", yaml);
        Result r = run("--check", "--config", f.toString());
        assertEquals(2, r.exit(), r::toString);
        String expected = f + ":" + lineOf(yaml, "sise") + ":7: databases.app.pool.sise: unknown key 'sise'";
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
        assertFalse(r.err().contains("Sup3rS3cret") || r.out().contains("Sup3rS3cret"), "a password leaked: " + r);
    }

    @Test
    void poolSizeZeroExitsTwoWithFileLineAndKeyPath() throws Exception {
        String yaml = VALID.replace("      size: 4", "      size: 0");
        Path f = write("size0.yaml", yaml);
        Result r = run("--check", "--config", f.toString());
        assertEquals(2, r.exit(), r::toString);
        String expected = f + ":" + lineOf(yaml, "size: 0") + ":7: databases.app.pool.size: must be at least 1";
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
        assertFalse(r.err().contains("Sup3rS3cret"), "a password leaked: " + r);
    }

    @Test
    void unknownKeyAndPoolSizeZeroTogetherExitTwo() throws Exception {
        // both problems in one file: unknown keys are reported first (see docs/configuration.md#errors)
        String yaml = VALID.replace("      size: 4", "      size: 0\n      sise: 4");
        Path f = write("both.yaml", yaml);
        Result r = run("--check", "--config", f.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(f + ":" + lineOf(yaml, "sise") + ":7: databases.app.pool.sise"), r::toString);
    }

    @Test
    void missingConfigFileExitsTwo() throws Exception {
        Result r = run("--check", "--config", dir.resolve("nope.yaml").toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("nope.yaml"), r::toString);
    }

    @Test
    void jsonLogFormatStartConfigAndFailedLoginOneObjectPerLineWithoutThePassword() throws Exception {
        Path f = write("json.yaml", """
                listen: 127.0.0.1:0
                admin: { listen: off }
                metrics: { listen: off }
                log: { format: json }
                users:
                  - { name: app, password: app, auth: password }
                databases:
                  app:
                    primary: postgres://app:app@127.0.0.1:1/app
                """);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--config", f.toString());
        Path stderr = dir.resolve("stderr.log"); // a file: no pipe to race with the process's exit
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        java.util.function.Supplier<List<String>> logged = () -> {
            try {
                return Files.readAllLines(stderr, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            String listening = Eventually.await(java.time.Duration.ofSeconds(30), "pgmux listening",
                    () -> logged.get().stream().filter(l -> l.contains("pgmux listening on")).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            java.util.regex.Matcher port = java.util.regex.Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)")
                    .matcher(listening);
            assertTrue(port.find(), listening);
            java.util.Properties props = new java.util.Properties();
            props.setProperty("user", "app");
            props.setProperty("password", "n0t-the-password");
            java.sql.SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port.group(1) + "/app",
                            props).close());
            assertEquals("28P01", refused.getSQLState());
            String failed = Eventually.await(java.time.Duration.ofSeconds(10), "the failed login logged",
                    () -> logged.get().stream().filter(l -> l.contains("authentication failed")).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            assertTrue(failed.contains("authentication failed for user \\\"app\\\" from /127.0.0.1:"), failed);
            assertTrue(logged.get().stream().anyMatch(l -> l.contains("\"msg\":\"configuration loaded from " + f)),
                    logged.get()::toString);
        } finally {
            p.destroy(); // SIGTERM: the graceful shutdown
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "pgmux stopped on SIGTERM");
        }
        List<String> lines = logged.get();
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"msg\":\"pgmux stopped\"")), lines::toString);
        assertFalse(lines.stream().anyMatch(l -> l.contains("n0t-the-password")), "the password is never logged");
        java.util.regex.Pattern object = java.util.regex.Pattern.compile(
                "\\{\"ts\":\"[0-9T:.Z-]+\",\"level\":\"(ERROR|WARN|INFO|DEBUG|TRACE)\",\"logger\":\"\\w*\","
                        + "\"msg\":\"([^\"\\\\]|\\\\.)*\"(,\"error\":\"([^\"\\\\]|\\\\.)*\")?}");
        for (String line : lines) {
            assertTrue(object.matcher(line).matches(), "not one JSON object: " + line);
        }
    }

    @Test
    void versionIsPrinted() throws Exception {
        Result r = run("--version");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().strip().matches("pgmux \\d+\\.\\d+\\.\\d+\\S*"), r::toString);
    }
}
