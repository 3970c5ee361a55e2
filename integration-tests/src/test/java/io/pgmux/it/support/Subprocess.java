package io.pgmux.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program (a driver script in Python or JavaScript) to completion with a deadline,
 * capturing its output: the way the driver tests reach clients that are not Java. A program still
 * running at the deadline is killed (it and its descendants) and reported as timed out.
 */
public final class Subprocess {
    private Subprocess() {
    }

    /** How a program ended: exit code (-1 when killed at the deadline), stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr, boolean timedOut) {
        /** The {@code key=value} lines of stdout, in order. */
        public Map<String, String> values() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : stdout.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return out;
        }

        /** For assertion messages. */
        public String describe() {
            return (timedOut ? "timed out" : "exit " + exitCode) + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(-1, "", "cannot start " + command + ": " + e.getMessage(), false);
        }
        try { // no input: a program reading stdin sees EOF
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing to do
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        boolean finished;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        try {
            p.waitFor(10, TimeUnit.SECONDS);
            return new Result(finished ? p.exitValue() : -1, out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS),
                    !finished);
        } catch (Exception e) {
            return new Result(-1, "", "output not collected: " + e, !finished);
        }
    }

    /** True when {@code command} can be started and exits with 0 within {@code timeout}. */
    public static boolean succeeds(List<String> command, Duration timeout) {
        Result r = run(command, null, Map.of(), timeout);
        return r.exitCode() == 0 && !r.timedOut();
    }

    /** Reads {@code in} to its end on a thread of its own (stdout and stderr must drain at the same time). */
    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("<" + e + ">");
            }
        }, "subprocess-output");
        t.setDaemon(true);
        t.start();
        return result;
    }
}
