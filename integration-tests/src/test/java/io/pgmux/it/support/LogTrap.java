package io.pgmux.it.support;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the log records pgmux (in the test JVM) publishes that match a test's idea of trouble. */
public final class LogTrap extends Handler {
    private final Predicate<LogRecord> wanted;
    private final List<LogRecord> caught = Collections.synchronizedList(new ArrayList<>());

    public LogTrap(Predicate<LogRecord> wanted) {
        this.wanted = wanted;
    }

    /** Starts listening on the root logger. */
    public LogTrap install() {
        Logger.getLogger("").addHandler(this);
        return this;
    }

    public void uninstall() {
        Logger.getLogger("").removeHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        if (wanted.test(r)) {
            caught.add(r);
        }
    }

    public List<LogRecord> caught() {
        synchronized (caught) {
            return List.copyOf(caught);
        }
    }

    /** One line per record: logger, message and what was thrown. */
    public List<String> describe() {
        return caught().stream().map(r -> r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown()).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
