package io.pgmux.admin;

import io.netty.channel.Channel;
import io.pgmux.frontend.ClientSession;
import io.pgmux.pool.PartitionSnapshot;
import io.pgmux.pool.ServerSnapshot;
import io.pgmux.tls.TlsContexts;

import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SHOW CLIENTS, SHOW SERVERS (PgBouncer's columns) and SHOW PINNED (pgmux's own). {@code ptr} is
 * pgmux's name for the connection ({@code c<channel id>} for clients, {@code s<number>} for
 * servers) and {@code link} the name of its partner. Columns pgmux has nothing for are empty, 0 or
 * NULL, never invented: tls is empty (pgmux speaks plain TCP to clients and servers), a client's
 * remote_pid 0 (as in PgBouncer), a session-mode client's prepared_statements NULL (not tracked).
 */
final class ConnectionViews {
    private static final String[] SOCKET_COLUMNS = {"type", "user", "database", "replication", "state", "addr",
        "port", "local_addr", "local_port", "connect_time", "request_time", "wait", "wait_us", "close_needed", "ptr",
        "link", "remote_pid", "tls", "application_name", "prepared_statements", "id"};

    /** An admin console session, listed among the clients as PgBouncer lists its console users. */
    record AdminClient(String user, String database, Channel channel, long connectedAtMillis, long lastRequestMillis) {
    }

    private ConnectionViews() {
    }

    static ResultTable clients(Collection<ClientSession> sessions, List<AdminClient> admins, List<PoolState> states) {
        Map<Object, ServerSnapshot> serverOf = new IdentityHashMap<>();
        Map<Object, Long> waitingSince = new IdentityHashMap<>();
        for (PoolState s : states) {
            s.servers().stream().filter(v -> v.holder() != null).forEach(v -> serverOf.put(v.holder(), v));
            for (PartitionSnapshot.Waiting w : s.waiting()) {
                waitingSince.put(w.client(), w.sinceNanos());
            }
        }
        long nowNanos = System.nanoTime();
        ResultTable.Builder t = ResultTable.builder(SOCKET_COLUMNS);
        List<ClientSession> sorted = sessions.stream()
                .sorted(Comparator.comparingLong(ClientSession::connectedAtMillis)).toList();
        for (ClientSession c : sorted) {
            ClientSession.State state = c.state();
            if (state == ClientSession.State.CLOSED) {
                continue;
            }
            Long since = waitingSince.get(c);
            long waitMicros = since == null ? 0 : (nowNanos - since) / 1000;
            ServerSnapshot server = serverOf.get(c);
            Channel ch = c.clientChannel();
            String ptr = ptr(ch);
            t.row("C", c.user(), c.database(), "none", state.name().toLowerCase(Locale.ROOT),
                    Formats.host(ch.remoteAddress()), Formats.port(ch.remoteAddress()), Formats.host(ch.localAddress()),
                    Formats.port(ch.localAddress()), Formats.time(c.connectedAtMillis()),
                    requestTime(c.lastRequestMillis()),
                    waitMicros / 1_000_000, waitMicros % 1_000_000, 0, ptr, server == null ? "" : ptr(server), 0,
                    TlsContexts.describe(ch), c.applicationName(), c.preparedStatements(), ptr);
        }
        for (AdminClient a : admins) {
            Channel ch = a.channel();
            t.row("C", a.user(), a.database(), "none", "active", Formats.host(ch.remoteAddress()),
                    Formats.port(ch.remoteAddress()), Formats.host(ch.localAddress()), Formats.port(ch.localAddress()),
                    Formats.time(a.connectedAtMillis()), requestTime(a.lastRequestMillis()), 0, 0, 0, ptr(ch), "", 0,
                    TlsContexts.describe(ch), null, null, ptr(ch));
        }
        return t.build();
    }

    /** A client's last request time, NULL before its first. */
    private static String requestTime(long millis) {
        return millis == 0 ? null : Formats.time(millis);
    }

    static ResultTable servers(List<PoolState> states) {
        ResultTable.Builder t = ResultTable.builder(SOCKET_COLUMNS);
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        for (PoolState s : states) {
            for (ServerSnapshot v : s.servers()) {
                String link = v.holder() instanceof ClientSession c ? ptr(c.clientChannel()) : "";
                t.row("S", s.pool().key().user(), s.pool().key().databaseLabel(), "none", state(v),
                        Formats.host(v.remote()), Formats.port(v.remote()), Formats.host(v.local()),
                        Formats.port(v.local()), Formats.nanoTime(v.createdNanos(), nowNanos, nowMillis),
                        Formats.nanoTime(v.lastUsedNanos(), nowNanos, nowMillis), 0, 0, Formats.flag(v.closeNeeded()),
                        ptr(v), link, v.backendPid(), v.tls(), v.applicationName(), v.preparedStatements(), v.id());
            }
        }
        return t.build();
    }

    /** Clients held on their server connection by session state, and what pinned them. */
    static ResultTable pinned(Collection<ClientSession> sessions, List<PoolState> states) {
        Map<Object, ServerSnapshot> serverOf = new IdentityHashMap<>();
        for (PoolState s : states) {
            s.servers().stream().filter(v -> v.holder() != null).forEach(v -> serverOf.put(v.holder(), v));
        }
        ResultTable.Builder t = ResultTable.builder("user", "database", "addr", "port", "connect_time", "pinned_by",
                "ptr", "link", "remote_pid");
        for (ClientSession c : sessions) {
            String why = c.pinnedBy();
            if (why.isEmpty() || c.state() == ClientSession.State.CLOSED) {
                continue;
            }
            ServerSnapshot server = serverOf.get(c);
            Channel ch = c.clientChannel();
            t.row(c.user(), c.database(), Formats.host(ch.remoteAddress()), Formats.port(ch.remoteAddress()),
                    Formats.time(c.connectedAtMillis()), why, ptr(ch), server == null ? "" : ptr(server),
                    server == null ? null : server.backendPid());
        }
        return t.build();
    }

    private static String state(ServerSnapshot v) {
        return switch (v.state()) {
            case CONNECTING -> "login";
            case IDLE -> "idle";
            case ACTIVE -> "active";
            case CLOSED -> "closed";
        };
    }

    static String ptr(Channel ch) {
        return "c" + ch.id().asShortText();
    }

    static String ptr(ServerSnapshot server) {
        return "s" + server.id();
    }
}
