package io.pgmux.admin;

import io.netty.util.concurrent.Future;
import io.pgmux.config.ProxyConfig;
import io.pgmux.frontend.ClientRegistry;
import io.pgmux.health.BackendHealth;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgException;

import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the admin console reads and steers in the running proxy. Implemented by the server
 * package; every method may be called from the admin console's event loop and must not block,
 * except {@link #reload()}, which the console runs on a worker thread.
 */
public interface ProxyControl {

    /** The configuration in force now. */
    ProxyConfig config();

    /** Every pool created so far. */
    Collection<Pool> pools();

    /** Every backend server's circuit breaker. */
    io.pgmux.resilience.Breakers breakers();

    ClientRegistry clients();

    BackendHealth health();

    boolean shuttingDown();

    /**
     * PAUSE: no server connection is handed to a new transaction of {@code database} (every
     * database when null) until RESUME. Idle server connections are closed at once, the others
     * when their transaction (session, in session mode) ends, as PgBouncer's PAUSE disconnects from
     * the servers. Completes once every server connection of the database is closed.
     *
     * @throws PgException 3D000 for a database that is not configured
     */
    Future<?> pause(String database);

    /**
     * RESUME: releases the clients queued since PAUSE.
     *
     * @throws PgException 3D000 for an unknown database, 55000 when it is not paused
     */
    void resume(String database);

    /** True while {@code database} is paused (by its name or by a PAUSE of everything). */
    boolean isPaused(String database);

    /**
     * KILL: closes every client of {@code database} and every server connection of its pools.
     *
     * @throws PgException 3D000 for a database that is not configured
     */
    void kill(String database);

    /**
     * RECONNECT: closes every server connection of {@code database} (every database when null)
     * once released, so new ones are opened.
     *
     * @throws PgException 3D000 for a database that is not configured
     */
    void reconnect(String database);

    /**
     * RELOAD: reads the configuration file given at start and applies it. Blocking (file I/O).
     *
     * @return notices for the operator, e.g. settings that need a restart to change
     * @throws PgException F0000 with every problem when the file is invalid (the old configuration
     *                     stays), 55000 when pgmux was not started from a file
     */
    List<String> reload();

    /**
     * SET: puts {@code change} of the configuration in force at once (pool settings, limits,
     * logging). Serialized with RELOAD, so neither loses the other's change.
     *
     * @throws PgException from {@code change}, with nothing changed
     */
    void update(UnaryOperator<ProxyConfig> change);

    /** SHUTDOWN: the graceful shutdown SIGTERM starts, in the background. */
    void shutdown();
}
