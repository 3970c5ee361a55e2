package io.pgmux.it.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one java.util.logging logger (and its children) publishes while the capture is
 * open, for tests of what pgmux logs. Holds the logger strongly: java.util.logging keeps loggers
 * weakly, and a collected one loses its handler.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing what {@code loggerName} logs at {@code level} and above. */
    public static LogCapture of(String loggerName, Level level) {
        LogCapture c = new LogCapture(Logger.getLogger(loggerName));
        c.setLevel(level);
        c.logger.addHandler(c);
        return c;
    }

    @Override
    public void publish(LogRecord r) {
        if (isLoggable(r)) {
            records.add(r);
        }
    }

    /** The records whose message starts with {@code prefix}. */
    public List<LogRecord> startingWith(String prefix) {
        return records.stream().filter(r -> r.getMessage().startsWith(prefix)).toList();
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
