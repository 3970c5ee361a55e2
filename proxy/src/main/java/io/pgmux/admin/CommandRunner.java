package io.pgmux.admin;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgmux.config.ProxyConfig;
import io.pgmux.frontend.ClientSession;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Runs one parsed admin statement and produces its reply. SHOW commands that need the pools' state
 * read every partition on its own event loop first; RELOAD runs on a worker thread (file I/O);
 * everything else is quick. The reply's future completes on the admin session's loop.
 */
final class CommandRunner {
    private static final Logger LOG = Logger.getLogger(CommandRunner.class.getName());

    private final ProxyControl control;
    private final AdminConsole console;
    private final Executor blocking;

    CommandRunner(ProxyControl control, AdminConsole console, Executor blocking) {
        this.control = control;
        this.console = console;
        this.blocking = blocking;
    }

    /** Runs {@code cmd} for {@code who} (user and address, for the log); completes on {@code loop}. */
    Future<AdminReply> run(AdminCommand cmd, EventExecutor loop, String who) {
        Promise<AdminReply> reply = loop.newPromise();
        try {
            boolean quiet = cmd.verb() == AdminCommand.Verb.SHOW
                    || cmd.verb() == AdminCommand.Verb.SET && SettingChange.ignored(cmd.argument());
            if (!quiet) {
                LOG.info(() -> "admin " + who + ": " + describe(cmd));
            }
            switch (cmd.verb()) {
                case SHOW -> show(cmd.argument(), loop, reply);
                case PAUSE -> {
                    Future<?> paused = control.pause(cmd.argument());
                    paused.addListener(f -> loop.execute(() -> reply.trySuccess(f.isSuccess()
                            ? new AdminReply.Done("PAUSE") : failed(f.cause()))));
                }
                case RESUME -> {
                    control.resume(cmd.argument());
                    reply.setSuccess(new AdminReply.Done("RESUME"));
                }
                case RECONNECT -> {
                    control.reconnect(cmd.argument());
                    reply.setSuccess(new AdminReply.Done("RECONNECT"));
                }
                case KILL -> {
                    control.kill(cmd.argument());
                    reply.setSuccess(new AdminReply.Done("KILL"));
                }
                case RELOAD -> blocking.execute(() -> {
                    AdminReply r;
                    try {
                        List<String> notices = control.reload();
                        r = new AdminReply.Done("RELOAD", notices.stream()
                                .map(n -> new PgError("NOTICE", "00000", n, null, null)).toList());
                    } catch (RuntimeException e) {
                        r = failed(e);
                    }
                    AdminReply done = r;
                    loop.execute(() -> reply.trySuccess(done));
                });
                case SET -> reply.setSuccess(set(cmd.argument(), cmd.value()));
                case SHUTDOWN -> reply.setSuccess(new AdminReply.Done("SHUTDOWN")); // the handler shuts down once it is sent
            }
        } catch (RuntimeException e) {
            reply.trySuccess(failed(e));
        }
        return reply;
    }

    private AdminReply set(String key, String value) {
        if (SettingChange.ignored(key)) {
            return new AdminReply.Done("SET", List.of(new PgError("NOTICE", "00000", "SET ignored", null, null)));
        }
        control.update(config -> SettingChange.apply(config, key, value));
        return new AdminReply.Done("SET");
    }

    private void show(String subject, EventExecutor loop, Promise<AdminReply> reply) {
        ProxyConfig config = control.config();
        Collection<ClientSession> clients = control.clients().sessions();
        switch (subject) {
            case "POOLS" -> withStates(loop, reply, s -> PoolViews.pools(s, clients));
            case "DATABASES" -> withStates(loop, reply, s -> PoolViews.databases(control, s, clients));
            case "PREPARED" -> withStates(loop, reply, PoolViews::prepared);
            case "CLIENTS" -> withStates(loop, reply, s -> ConnectionViews.clients(clients, console.adminClients(), s));
            case "SERVERS" -> withStates(loop, reply, ConnectionViews::servers);
            case "PINNED" -> withStates(loop, reply, s -> ConnectionViews.pinned(clients, s));
            case "STATS" -> reply.setSuccess(rows(console.stats().stats(databaseNames(config))));
            case "STATS_TOTALS" -> reply.setSuccess(rows(console.stats().totals(databaseNames(config))));
            case "STATS_AVERAGES" -> reply.setSuccess(rows(console.stats().averages(databaseNames(config))));
            case "CONFIG" -> reply.setSuccess(rows(ConfigViews.config(config)));
            case "USERS" -> reply.setSuccess(rows(ConfigViews.users(config, control.pools(), clients)));
            case "LISTS" -> reply.setSuccess(rows(ConfigViews.lists(config, control.pools(),
                    control.clients().connectionCount(), clients.size(), console.adminClients().size())));
            case "VERSION" -> reply.setSuccess(rows(ConfigViews.version()));
            case "HELP" -> reply.setSuccess(rows(ConfigViews.help()));
            case "BACKENDS" -> {
                var checked = control.health().check();
                checked.addListener(f -> loop.execute(() -> reply.trySuccess(f.isSuccess()
                        ? rows(BackendViews.backends(checked.getNow(),
                                io.pgmux.health.BackendHealth.serverNames(control.config()), control.breakers()))
                        : failed(f.cause()))));
            }
            case "BREAKERS" -> reply.setSuccess(rows(BackendViews.breakers(control.breakers())));
            default -> reply.setSuccess(failed(CommandParser.syntaxError("SHOW " + subject)));
        }
    }

    private Collection<String> databaseNames(ProxyConfig config) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>(config.databases().keySet());
        control.pools().forEach(p -> names.add(p.key().database()));
        return names;
    }

    private void withStates(EventExecutor loop, Promise<AdminReply> reply, Function<List<PoolState>, ResultTable> view) {
        Future<List<PoolState>> states = PoolState.of(control.pools());
        states.addListener(f -> loop.execute(() -> {
            try {
                reply.trySuccess(f.isSuccess() ? rows(view.apply(states.getNow())) : failed(f.cause()));
            } catch (RuntimeException e) {
                reply.trySuccess(failed(e));
            }
        }));
    }

    private static AdminReply rows(ResultTable table) {
        return new AdminReply.Rows(table);
    }

    static AdminReply failed(Throwable t) {
        if (t instanceof PgException e) {
            return new AdminReply.Failed(e.error());
        }
        LOG.log(java.util.logging.Level.WARNING, "admin command failed", t);
        return new AdminReply.Failed(PgError.error(SqlState.INTERNAL_ERROR, "internal error: " + t));
    }

    /** The command for the log; SET values are shown (SET never takes a password). */
    private static String describe(AdminCommand cmd) {
        return cmd.verb() + (cmd.argument() == null ? "" : " " + cmd.argument())
                + (cmd.value() == null ? "" : " = " + cmd.value());
    }
}
