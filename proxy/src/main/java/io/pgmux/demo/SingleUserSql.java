package io.pgmux.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs SQL against a stopped data directory through {@code postgres --single}: bootstrap without
 * any client library (the main code depends on the JDK only) and without opening a port.
 *
 * <p>Input convention: we pass {@code -j}, under which a statement ends at a semicolon followed by
 * an empty line. Each statement is therefore sent as {@code <statement>;\n\n}, which lets a
 * statement span lines (e.g. a {@code DO} block) and keeps every statement in its own
 * transaction, as {@code CREATE DATABASE} requires. The only thing a statement must not contain
 * is itself a semicolon directly followed by an empty line.
 *
 * <p>{@code exit_on_error=on} turns the first ERROR into a FATAL, so the process exits non-zero
 * instead of carrying on with later statements; we then surface the server's own output.
 */
final class SingleUserSql {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private SingleUserSql() {
    }

    static void run(PostgresBinaries binaries, PgUser user, Path dataDir, String database,
                    List<String> statements) {
        if (statements.isEmpty()) {
            return;
        }
        StringBuilder input = new StringBuilder();
        for (String statement : statements) {
            String s = statement.strip();
            while (s.endsWith(";")) {
                s = s.substring(0, s.length() - 1).stripTrailing();
            }
            if (s.contains(";\n\n") || s.contains(";\r\n\r\n")) {
                throw new IllegalArgumentException("a bootstrap statement must not contain a semicolon"
                        + " followed by an empty line (single-user -j terminator): " + s);
            }
            input.append(s).append(";\n\n");
        }
        List<String> command = user.wrap(List.of(binaries.bin("postgres").toString(), "--single", "-j",
                "-D", dataDir.toString(), "-c", "exit_on_error=on", database));
        Exec.Result result = Exec.run(command, input.toString(), TIMEOUT);
        if (!result.ok()) {
            throw new IllegalStateException("bootstrap SQL failed in database '" + database + "' (exit "
                    + result.exitCode() + ")\n--- statements ---\n" + input.toString().strip()
                    + "\n--- postgres --single output ---\n" + result.output().strip());
        }
    }
}
