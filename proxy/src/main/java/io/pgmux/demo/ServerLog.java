package io.pgmux.demo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Read access to a server's log file: the tail for error messages, and waiting for a line.
 *
 * <p>Error messages from this launcher always carry the log tail, because "pg_ctl: could not
 * start server" alone never says why (port taken, bad setting, permissions...).
 */
final class ServerLog {

    private static final int TAIL_BYTES = 8 * 1024;

    private final Path file;

    ServerLog(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Current size, used as a mark so later waits ignore lines from earlier runs. */
    long size() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The last {@code lines} lines (from the last 8 KiB), or a note why there are none. */
    String tail(int lines) {
        if (!Files.exists(file)) {
            return "(no server log at " + file + ")";
        }
        String text = readFrom(Math.max(0, size() - TAIL_BYTES));
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Polls until a line containing {@code needle} appears after byte offset {@code from}.
     *
     * @return true if it appeared within {@code timeout}
     */
    boolean awaitLine(String needle, long from, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (readFrom(from).contains(needle)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50); // polling interval, not a correctness assumption
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private String readFrom(long offset) {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (offset >= length) {
                return "";
            }
            byte[] buf = new byte[(int) Math.min(Integer.MAX_VALUE, length - offset)];
            raf.seek(offset);
            raf.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
