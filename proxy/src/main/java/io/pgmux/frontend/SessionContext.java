package io.pgmux.frontend;

import io.pgmux.backend.ServerConnector;
import io.pgmux.config.ProxyConfig;
import io.pgmux.config.UserConfig;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgException;
import io.pgmux.routing.Backend;
import io.pgmux.routing.Cluster;

/** What client sessions need from the running proxy. Implemented by the server package. */
public interface SessionContext {

    /** The configuration in force now (a reload swaps it). */
    ProxyConfig config();

    /**
     * The pool a client of {@code database} logged in as {@code user} is served by.
     *
     * @throws PgException 3D000 when the database is not configured
     */
    Pool pool(String database, UserConfig user);

    /**
     * The pool serving {@code user} on one server of {@code database}'s cluster (the primary's is
     * {@link #pool(String, UserConfig)}'s).
     */
    Pool pool(String database, UserConfig user, Backend backend);

    /**
     * The servers of {@code database}, one cluster (primary and replicas) per shard, when pgmux
     * chooses among them (replicas: read/write splitting; shards); empty otherwise.
     */
    java.util.List<Cluster> clusters(String database);

    /** The sharding rules of {@code database}, or null when it is not sharded. */
    io.pgmux.sharding.ShardedDatabase sharding(String database);

    CancelRegistry cancels();

    ClientRegistry clients();

    ServerConnector connector();

    /** The TLS contexts in force now (a reload swaps them); TLS off unless the proxy says otherwise. */
    default io.pgmux.tls.TlsContexts tls() {
        return io.pgmux.tls.TlsContexts.disabled();
    }

    /**
     * Where the logins of {@code user} to {@code database} leave what pgmux needs to log in to the
     * servers as that user without its password; null when the proxy keeps none.
     */
    default io.pgmux.auth.PassthroughCredential passthrough(String database, String user) {
        return null;
    }

    /** The lookup of users that are not in {@code users:}; null when the proxy has none. */
    default AuthQuery authQuery() {
        return null;
    }

    /** True once shutdown began: new logins are refused. */
    boolean shuttingDown();

    /**
     * An admin user logged in on the admin console's listener: the channel now belongs to the admin
     * console, which sends the welcome (ParameterStatus, BackendKeyData, ReadyForQuery) itself.
     * The client is still counted in {@link #clients()}; the admin console must call
     * {@code clients().disconnected()} when the channel closes.
     */
    void startAdminSession(io.netty.channel.Channel channel, String user);
}
