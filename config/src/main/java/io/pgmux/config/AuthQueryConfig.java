package io.pgmux.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Looking up unknown users on the server ({@code auth_query:} block), as PgBouncer's
 * {@code auth_query}/{@code auth_user}: a client whose user is not in {@code users:} is checked
 * against the verifier (or MD5 hash) the query returns, run on the primary of the client's
 * database as {@code user}. {@link #toString()} masks the password.
 *
 * @param user     the role pgmux runs the query as
 * @param password that role's password (plain: pgmux must log in with it), or null when the server trusts it
 * @param query    the query; {@code $1} is replaced by the client's user name as a quoted literal;
 *                 the first row's second column is the verifier (no row, or NULL: no such user)
 * @param cacheTtl how long a looked-up verifier is reused; zero looks up on every login
 * @param database the server-side database the query runs in, or null for the client's database's own
 */
public record AuthQueryConfig(String user, Secret password, String query, Duration cacheTtl, String database) {

    /** PgBouncer's default {@code auth_query}. */
    public static final String DEFAULT_QUERY = "SELECT usename, passwd FROM pg_shadow WHERE usename = $1";
    /** Used when {@code cache_ttl} is absent. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(60);

    /** Rejects a null user, query or TTL; the other rules are checked when a file is loaded. */
    public AuthQueryConfig {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(cacheTtl, "cacheTtl");
    }

    /** The plain password, or null. */
    public String plainPassword() {
        return password == null ? null : password.value();
    }

    @Override
    public String toString() {
        return "AuthQueryConfig[user=" + user + ", password=" + (password == null ? "none" : "***") + ", query=" + query
                + ", cacheTtl=" + cacheTtl + ", database=" + database + "]";
    }
}
