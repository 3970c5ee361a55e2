package io.pgmux.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lifecycle state machine of one server: initialize, start, stop, kill, promote.
 *
 * <p>{@link LocalPostgres} is the public face; this class owns the state (initialized, standby,
 * crashed) and turns every failure into an exception that carries the server log tail.
 */
final class ServerProcess {

    private static final System.Logger LOG = System.getLogger(LocalPostgres.class.getName());
    private static final int LOG_TAIL_LINES = 40;

    private final ServerSpec spec;
    private final String name;
    private final int port;
    private final PgUser user = PgUser.current();
    private final ServerDirs dirs;
    private final ServerLog log;
    private final PgCtl pgCtl;
    private boolean initialized;
    private boolean standby;
    private boolean crashed;
    private long startMark;

    ServerProcess(ServerSpec spec, String name, int port, boolean standbyCopy) {
        this.spec = spec;
        this.name = name;
        this.port = port;
        this.dirs = ServerDirs.create(spec.parentDir(), name, port, user);
        this.log = new ServerLog(dirs.logFile());
        this.pgCtl = new PgCtl(spec.binaries(), user, dirs.dataDir(), spec.startTimeout());
        this.initialized = standbyCopy;
        this.standby = standbyCopy;
    }

    void initialize() {
        if (initialized) {
            return;
        }
        long t0 = System.nanoTime();
        user.requireWritable(dirs.baseDir());
        pgCtl.initdb();
        ServerConfig.appendSettings(user, dirs.dataDir(), spec.settings());
        if (spec.tlsCert() != null) {
            ServerConfig.installTls(user, dirs.dataDir(), spec.tlsCert(), spec.tlsKey(), spec.tlsCa());
        }
        ServerConfig.writeHba(user, dirs.dataDir(), spec.hostAuth());
        List<Map.Entry<String, String>> steps = new ArrayList<>();
        // Set here rather than with initdb --pwfile so the stored hash follows password_encryption.
        steps.add(Map.entry("postgres", "ALTER ROLE postgres PASSWORD 'postgres'"));
        steps.addAll(spec.bootstrap());
        runGroupedByDatabase(steps);
        initialized = true;
        LOG.log(System.Logger.Level.INFO, "{0}: initialized {1} in {2} ms", name, dirs.dataDir(), millisSince(t0));
    }

    void start() {
        if (isRunning()) {
            return;
        }
        initialize();
        long t0 = System.nanoTime();
        startMark = log.size();
        Exec.Result result = pgCtl.start(dirs.logFile(), port, dirs.socketDir());
        if (!result.ok() || !isRunning()) {
            throw failure("start", result);
        }
        crashed = false;
        LOG.log(System.Logger.Level.INFO, "{0}: started {1} on 127.0.0.1:{2,number,#} in {3} ms",
                name, standby ? "standby" : "server", port, millisSince(t0));
    }

    void stop() {
        if (!isRunning()) {
            return;
        }
        long t0 = System.nanoTime();
        Exec.Result result = pgCtl.stop();
        if (!result.ok()) {
            throw failure("stop", result);
        }
        LOG.log(System.Logger.Level.INFO, "{0}: stopped in {1} ms", name, millisSince(t0));
    }

    void kill() {
        if (!isRunning()) {
            return;
        }
        Postmaster.killTree(dirs.dataDir(), dirs.socketDir(), Duration.ofSeconds(10));
        crashed = true;
        LOG.log(System.Logger.Level.INFO, "{0}: killed with SIGKILL", name);
    }

    void promote() {
        if (!isRunning()) {
            throw new IllegalStateException(name + ": cannot promote, server is not running");
        }
        if (!standby) {
            throw new IllegalStateException(name + ": cannot promote, not a standby");
        }
        Exec.Result result = pgCtl.promote();
        if (!result.ok()) {
            throw failure("promote", result);
        }
        standby = false;
        LOG.log(System.Logger.Level.INFO, "{0}: promoted to primary", name);
    }

    void waitForReplication(Duration timeout) {
        if (!standby) {
            throw new IllegalStateException(name + " is not a standby");
        }
        if (!log.awaitLine("started streaming WAL", startMark, timeout)) {
            throw new IllegalStateException(name + ": no WAL streaming after " + timeout.toSeconds()
                    + " s\n--- server log tail (" + dirs.logFile() + ") ---\n" + log.tail(LOG_TAIL_LINES));
        }
    }

    /** Stops (SIGKILL if a clean stop fails) and deletes the directories. */
    void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: clean stop failed, killing: {1}", name, e.getMessage());
            kill();
        } finally {
            dirs.delete();
        }
        LOG.log(System.Logger.Level.INFO, "{0}: closed, removed {1}", name, dirs.baseDir());
    }

    /** A replica is copied from a data dir that is complete and was shut down cleanly. */
    boolean isCleanlyStopped() {
        return initialized && !crashed && !isRunning();
    }

    /** Copies this server's data directory into {@code target} as the PG user ({@code cp -a}). */
    void copyDataDirTo(Path target) {
        Exec.run(user.wrap(List.of("cp", "-a", dirs.dataDir().toString(), target.toString())),
                Duration.ofMinutes(2)).orThrow(name + ": copying the data directory to " + target);
    }

    boolean isRunning() {
        return initialized && Postmaster.isRunning(dirs.dataDir());
    }

    boolean isStandby() {
        return standby;
    }

    ServerDirs dirs() {
        return dirs;
    }

    String logTail(int lines) {
        return log.tail(lines);
    }

    private void runGroupedByDatabase(List<Map.Entry<String, String>> steps) {
        // One single-user session per run of consecutive statements for the same database.
        int i = 0;
        while (i < steps.size()) {
            String db = steps.get(i).getKey();
            List<String> batch = new ArrayList<>();
            while (i < steps.size() && steps.get(i).getKey().equals(db)) {
                batch.add(steps.get(i++).getValue());
            }
            SingleUserSql.run(spec.binaries(), user, dirs.dataDir(), db, batch);
        }
    }

    private IllegalStateException failure(String action, Exec.Result result) {
        return new IllegalStateException(name + ": " + action + " failed (exit " + result.exitCode()
                + ", port " + port + ")\n--- pg_ctl output ---\n" + result.output().strip()
                + "\n--- server log tail (" + dirs.logFile() + ") ---\n" + log.tail(LOG_TAIL_LINES));
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
