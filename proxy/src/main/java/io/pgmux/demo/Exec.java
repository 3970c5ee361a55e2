package io.pgmux.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command to completion and captures its combined output.
 *
 * <p>Every PostgreSQL tool the launcher needs ({@code tar}, {@code initdb}, {@code pg_ctl},
 * {@code postgres --single}, {@code cp}) goes through here so that environment hygiene,
 * timeouts and error reporting live in one place.
 */
final class Exec {

    /** Outcome of a finished command. */
    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Throws with the command line and its output unless the exit code was 0. */
        Result orThrow(String what) {
            if (!ok()) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "): "
                        + String.join(" ", command) + "\n--- output ---\n" + output.strip());
            }
            return this;
        }
    }

    private Exec() {
    }

    /** Runs {@code command} with no standard input. */
    static Result run(List<String> command, Duration timeout) {
        return run(command, null, timeout);
    }

    /**
     * Runs {@code command}, feeding {@code stdin} (if not null) and waiting at most {@code timeout}.
     *
     * @throws IllegalStateException if the program cannot be started or does not finish in time
     */
    static Result run(List<String> command, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // "/" is readable by every user: the PG tools run as 'nobody' must not inherit a
        // working directory they cannot enter (e.g. /root), or they print confusing warnings.
        pb.directory(new java.io.File("/"));
        scrubEnvironment(pb.environment());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + command.get(0) + "' (is it installed"
                    + " and on the PATH?): " + e.getMessage(), e);
        }
        // Drain output concurrently: a chatty process blocks once the pipe buffer fills.
        CompletableFuture<String> output = new CompletableFuture<>();
        Thread reader = new Thread(() -> output.complete(readAll(process.getInputStream())),
                "pgmux-exec-" + command.get(0));
        reader.setDaemon(true);
        reader.start();
        writeStdin(process, stdin);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                String partial = output.completeOnTimeout("(no output)", 2, TimeUnit.SECONDS).join();
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: "
                        + String.join(" ", command) + "\n--- output ---\n" + partial);
            }
            return new Result(List.copyOf(command), process.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read output of " + command.get(0), e);
        }
    }

    /**
     * Removes libpq variables (PGDATA, PGPORT, PGHOST, ...) so a developer's shell settings cannot
     * redirect pg_ctl to another cluster, and pins the C locale so initdb does not depend on
     * whatever locales this machine happens to have installed.
     */
    private static void scrubEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("PG"));
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
    }

    private static void writeStdin(Process process, String stdin) {
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The process exited early (e.g. an immediate FATAL): its output explains why.
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
