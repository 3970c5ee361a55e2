package io.pgmux.resilience;

import io.pgmux.config.BreakerConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The circuit breaker of every backend server, by database and server name ({@code primary},
 * {@code replica1}, {@code shard1}...): shared by the pools of all users on that server and by
 * read/write routing. A RELOAD that changes a database's {@code breaker:} block gives its servers
 * new breakers (closed); otherwise they keep their state.
 */
public final class Breakers {
    private static final Logger LOG = Logger.getLogger(Breakers.class.getName());

    private record Entry(BreakerConfig config, Named named) {
        CircuitBreaker breaker() {
            return named.breaker();
        }
    }

    /** A breaker with the server it guards: database, server name in it ({@code replica1}), address. */
    public record Named(String database, String backend, String address, CircuitBreaker breaker) {
    }

    private final Map<String, Entry> byServer = new ConcurrentHashMap<>();

    /** The breaker of server {@code backend} of {@code database}; null when the database turns breakers off. */
    public CircuitBreaker of(String database, String backend, String address, BreakerConfig config) {
        if (!config.enabled()) {
            byServer.remove(key(database, backend));
            return null;
        }
        return byServer.compute(key(database, backend), (k, e) -> e != null && e.config().equals(config) ? e
                : new Entry(config, new Named(database, backend, address, new CircuitBreaker(database + "/" + backend
                        + " (" + address + ")", settings(config), Breakers::log)))).breaker();
    }

    /** Every breaker, for SHOW BREAKERS and the metrics. */
    public List<Named> all() {
        return byServer.values().stream().map(Entry::named)
                .sorted(java.util.Comparator.comparing(Named::database).thenComparing(Named::backend)).toList();
    }

    /** The state of the breaker guarding {@code address} for {@code database}, or null when there is none. */
    public CircuitBreaker.State stateOf(String database, String address) {
        for (Entry e : byServer.values()) {
            if (e.named().database().equals(database) && e.named().address().equals(address)) {
                return e.breaker().state();
            }
        }
        return null;
    }

    private static String key(String database, String backend) {
        return database + "\u0000" + backend;
    }

    static BreakerSettings settings(BreakerConfig c) {
        WindowSize window = c.windowCalls() > 0 ? WindowSize.calls(c.windowCalls()) : WindowSize.span(c.windowTime());
        int threshold = c.failureThreshold() == 0 ? Integer.MAX_VALUE : c.failureThreshold(); // 0: rule off
        int minimum = window instanceof WindowSize.Calls calls ? Math.min(c.minimumCalls(), calls.count()) : c.minimumCalls();
        return new BreakerSettings(threshold, c.failureRate(), window, minimum, c.slowCallThreshold(),
                c.openTimeout(), c.halfOpenProbes(), c.maxOpenTimeout().compareTo(c.openTimeout()) < 0
                        ? c.openTimeout() : c.maxOpenTimeout());
    }

    private static void log(CircuitBreaker b, CircuitBreaker.State from, CircuitBreaker.State to, String reason) {
        String line = "circuit breaker of " + b.name() + ": " + from.name().toLowerCase(java.util.Locale.ROOT)
                + " -> " + to.name().toLowerCase(java.util.Locale.ROOT) + " (" + reason + ")";
        if (to == CircuitBreaker.State.OPEN) {
            LOG.warning(line);
        } else {
            LOG.info(line);
        }
    }

    /** When an open breaker lets the next attempt through, for error messages. */
    public static String retryIn(CircuitBreaker b) {
        long ms = Math.max(0, b.retryAtMillis() - System.currentTimeMillis());
        return ms / 1000.0 + " s";
    }
}
