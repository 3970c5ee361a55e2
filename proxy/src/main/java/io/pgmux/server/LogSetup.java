package io.pgmux.server;

import io.pgmux.config.LogConfig;
import io.pgmux.config.LogFormat;
import io.pgmux.metrics.Json;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Configures java.util.logging (no logging library needed): one line per event on stderr, as text
 * or as JSON for log shippers, at the configured level.
 */
public final class LogSetup {
    private LogSetup() {
    }

    public static void apply(LogConfig config) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        Level level = level(config.level());
        handler.setLevel(level);
        handler.setFormatter(config.format() == LogFormat.JSON ? new JsonFormatter() : new TextFormatter());
        root.addHandler(handler);
        root.setLevel(Level.WARNING); // third-party libraries stay quiet
        Logger.getLogger("io.pgmux").setLevel(level);
    }

    /** Changes the level at run time (the admin console's SET log.level), keeping handlers and format. */
    public static void setLevel(String name) {
        Level level = level(name);
        Logger.getLogger("io.pgmux").setLevel(level);
        for (Handler h : Logger.getLogger("").getHandlers()) {
            h.setLevel(level);
        }
    }

    static Level level(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> Level.INFO;
        };
    }

    static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (v >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (v >= Level.INFO.intValue()) {
            return "INFO";
        } else if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    private static String shortName(String logger) {
        return logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    }

    private static String throwable(LogRecord r) {
        if (r.getThrown() == null) {
            return "";
        }
        StringWriter sw = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    static final class TextFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            return Instant.ofEpochMilli(r.getMillis()) + " " + String.format("%-5s", levelName(r.getLevel())) + " "
                    + shortName(r.getLoggerName()) + ": " + formatMessage(r) + System.lineSeparator() + throwable(r);
        }
    }

    static final class JsonFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append("{\"ts\":\"").append(Instant.ofEpochMilli(r.getMillis()))
                    .append("\",\"level\":\"").append(levelName(r.getLevel()))
                    .append("\",\"logger\":");
            Json.quote(sb, shortName(r.getLoggerName()));
            sb.append(",\"msg\":");
            Json.quote(sb, formatMessage(r));
            if (r.getThrown() != null) {
                sb.append(",\"error\":");
                Json.quote(sb, throwable(r));
            }
            return sb.append('}').append(System.lineSeparator()).toString();
        }
    }
}
