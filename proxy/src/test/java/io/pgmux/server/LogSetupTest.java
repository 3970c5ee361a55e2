package io.pgmux.server;

import io.pgmux.config.LogConfig;
import io.pgmux.config.LogFormat;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** log.format: one JSON object per line for log shippers, or one text line; log.level applied. */
class LogSetupTest {

    private static LogRecord record(Level level, String logger, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName(logger);
        r.setInstant(Instant.parse("2026-12-07T10:15:30.123Z"));
        return r;
    }

    @Test
    void jsonIsOneObjectPerLineWithEveryCharacterEscaped() {
        String line = new LogSetup.JsonFormatter().format(record(Level.WARNING, "io.pgmux.frontend.QueryLog",
                "slow query (1.5 ms): SELECT \"a\\b\"\n\tFROM t\u0001"));
        assertEquals("{\"ts\":\"2026-12-07T10:15:30.123Z\",\"level\":\"WARN\",\"logger\":\"QueryLog\","
                + "\"msg\":\"slow query (1.5 ms): SELECT \\\"a\\\\b\\\"\\n\\tFROM t\\u0001\"}"
                + System.lineSeparator(), line);
        assertEquals(1, line.strip().lines().count(), "a newline in a message never splits the line");
    }

    @Test
    void jsonCarriesTheStackTraceInOneField() {
        LogRecord r = record(Level.SEVERE, "io.pgmux.server.ProxyServer", "boom");
        r.setThrown(new IllegalStateException("broken"));
        String line = new LogSetup.JsonFormatter().format(r);
        assertTrue(line.startsWith("{\"ts\":\"2026-12-07T10:15:30.123Z\",\"level\":\"ERROR\",\"logger\":\"ProxyServer\","
                + "\"msg\":\"boom\",\"error\":\"java.lang.IllegalStateException: broken\\n"), line);
        assertEquals(1, line.strip().lines().count(), line);
    }

    @Test
    void textIsOneLineWithTimeLevelAndLogger() {
        assertEquals("2026-12-07T10:15:30.123Z INFO  ServerControl: configuration reloaded" + System.lineSeparator(),
                new LogSetup.TextFormatter().format(record(Level.INFO, "io.pgmux.server.ServerControl",
                        "configuration reloaded")));
    }

    @Test
    void applyInstallsTheConfiguredFormatAndLevel() {
        Logger root = Logger.getLogger("");
        List<Handler> before = List.of(root.getHandlers());
        Level rootLevel = root.getLevel();
        Logger pgmux = Logger.getLogger("io.pgmux");
        Level pgmuxLevel = pgmux.getLevel();
        try {
            LogSetup.apply(new LogConfig("debug", LogFormat.JSON));
            assertEquals(1, root.getHandlers().length);
            assertInstanceOf(LogSetup.JsonFormatter.class, root.getHandlers()[0].getFormatter());
            assertEquals(Level.FINE, pgmux.getLevel());
            assertEquals(Level.WARNING, root.getLevel(), "other libraries stay quiet");
            LogSetup.setLevel("warn");
            assertEquals(Level.WARNING, pgmux.getLevel());
            assertInstanceOf(LogSetup.JsonFormatter.class, root.getHandlers()[0].getFormatter(), "SET keeps the format");
            LogSetup.apply(LogConfig.defaults());
            assertInstanceOf(LogSetup.TextFormatter.class, root.getHandlers()[0].getFormatter());
            assertEquals(Level.INFO, pgmux.getLevel());
        } finally {
            for (Handler h : root.getHandlers()) {
                root.removeHandler(h);
            }
            before.forEach(root::addHandler);
            root.setLevel(rootLevel);
            pgmux.setLevel(pgmuxLevel);
        }
    }
}
