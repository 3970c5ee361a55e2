package io.pgmux.frontend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.pgmux.backend.ServerProbe;
import io.pgmux.backend.ServerTarget;
import io.pgmux.config.AuthMethod;
import io.pgmux.config.AuthQueryConfig;
import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.UserConfig;
import io.pgmux.protocol.PgException;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code auth_query}: looks up the verifier of a user that is not in {@code users:} on the primary
 * of the client's database, with a one-off connection as the configured role, and caches it per
 * (database, user) for {@code cache_ttl}. Verifiers are never logged.
 */
public final class AuthQuery {
    private static final Logger LOG = Logger.getLogger(AuthQuery.class.getName());
    /** The lookup's {@code application_name} in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "pgmux auth query";
    private static final Pattern PARAMETER = Pattern.compile("\\$1(?![0-9])");

    private record Key(String database, String user) {
    }

    private record Cached(Secret secret, long fetchedAt) {
    }

    /**
     * What a lookup found.
     *
     * @param secret    the user's verifier, MD5 hash or password; null when there is no such user (or no password)
     * @param fromCache true when it came from the cache rather than the server just now
     */
    public record Found(Secret secret, boolean fromCache) {

        /** The user to authenticate the client as, or null when none was found. */
        UserConfig user(String name) {
            if (secret == null) {
                return null;
            }
            // as PostgreSQL with hba method md5: an MD5 hash asks for md5, anything else for SCRAM
            return new UserConfig(name, secret, secret.kind() == Secret.Kind.MD5 ? AuthMethod.MD5 : AuthMethod.SCRAM_SHA_256);
        }

        @Override
        public String toString() {
            return "Found[" + (secret == null ? "none" : secret.kind()) + ", fromCache=" + fromCache + "]";
        }
    }

    private final SessionContext context;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Key, Cached> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Future<Found>> inflight = new ConcurrentHashMap<>();

    public AuthQuery(SessionContext context) {
        this(context, System::nanoTime);
    }

    AuthQuery(SessionContext context, LongSupplier nanoTime) {
        this.context = context;
        this.nanoTime = nanoTime;
    }

    /** True when {@code auth_query} is configured. */
    boolean enabled() {
        return context.config().authQueryConfig().isPresent();
    }

    /**
     * The verifier of {@code user} for clients of {@code database}: cached, or looked up now. Fails
     * when the lookup itself fails (cannot connect or log in, the query errs); that is logged.
     */
    Future<Found> lookup(EventLoop loop, String database, String user) {
        AuthQueryConfig q = context.config().authQueryConfig().orElse(null);
        DatabaseConfig db = context.config().database(database).orElse(null);
        if (q == null || db == null) {
            return loop.newSucceededFuture(new Found(null, false));
        }
        Key key = new Key(database, user);
        Cached cached = cache.get(key);
        if (cached != null && nanoTime.getAsLong() - cached.fetchedAt() < q.cacheTtl().toNanos()) {
            return loop.newSucceededFuture(new Found(cached.secret(), true));
        }
        // logins of the same user at the same moment share one lookup
        Promise<Found> result = loop.newPromise();
        Future<Found> running = inflight.putIfAbsent(key, result);
        if (running != null) {
            Promise<Found> relayed = loop.newPromise();
            running.addListener((Future<Found> f) -> loop.execute(() -> {
                if (f.isSuccess()) {
                    relayed.trySuccess(f.getNow());
                } else {
                    relayed.tryFailure(f.cause());
                }
            }));
            return relayed;
        }
        result.addListener(f -> inflight.remove(key, result));
        BackendUrl primary = db.primary();
        ServerTarget target = ServerTarget.of(primary, q.database() != null ? q.database() : primary.database(),
                q.user(), q.plainPassword());
        ServerProbe.query(context.connector(), loop, target, db.pool().connectTimeout(), sql(q.query(), user),
                APPLICATION_NAME).addListener((Future<List<String>> f) -> {
                    if (!f.isSuccess()) {
                        LOG.warning(() -> "auth_query for database \"" + database + "\" as " + target + " failed: "
                                + describe(f.cause()));
                        result.tryFailure(f.cause());
                        return;
                    }
                    Secret secret = secret(f.getNow(), user);
                    if (secret != null) {
                        cache.put(key, new Cached(secret, nanoTime.getAsLong()));
                    } else {
                        cache.remove(key);
                    }
                    result.trySuccess(new Found(secret, false));
                });
        return result;
    }

    /** Forgets the cached verifier: a login failed against it, so the password may have changed. */
    void invalidate(String database, String user) {
        cache.remove(new Key(database, user));
    }

    /** {@code query} with {@code $1} replaced by {@code user} as a string literal. */
    static String sql(String query, String user) {
        return PARAMETER.matcher(query).replaceAll(Matcher.quoteReplacement(literal(user)));
    }

    /**
     * An escape string literal ({@code E'...'}): quotes doubled, backslashes escaped, so it reads
     * the same whatever {@code standard_conforming_strings} is.
     */
    static String literal(String text) {
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The password column (the second) of the first row; null for no row, NULL or empty. */
    static Secret secret(List<String> row, String user) {
        if (row.size() < 2 || row.get(1) == null || row.get(1).isEmpty()) {
            return null;
        }
        try {
            return Secret.of(row.get(1));
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "auth_query returned a malformed SCRAM verifier for user \"" + user + "\": treated as no user");
            return null;
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof PgException pg) {
            return pg.error().code() + " " + pg.error().message();
        }
        return String.valueOf(cause.getMessage());
    }
}
