package io.pgmux.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A PostgreSQL server to connect to, written as a libpq-style URL:
 * {@code postgres://[user[:password]@]host[:port][/database][?key=value&...]}.
 *
 * <p>Without a user, pgmux logs in with the client's own user name and that user's plain password from
 * {@code users:}. {@link #toString()} masks the password.
 *
 * @param host     host name or IP literal (IPv6 without brackets), or the directory of a Unix-domain
 *                 socket (starting with {@code /}: {@code ?host=/dir} or a percent-encoded host)
 * @param port     1..65535, default {@value #DEFAULT_PORT}
 * @param database database name on the server
 * @param user     server user, or {@code null} to use the client's
 * @param password server password, or {@code null}
 * @param params   query parameters in URL order: {@code sslmode} is used (see {@link #sslMode()}), the others kept
 */
public record BackendUrl(String host, int port, String database, String user, String password,
        Map<String, String> params) {

    /** The port used when the URL gives none. */
    public static final int DEFAULT_PORT = 5432;

    // Error messages never quote the URL: when it is misparsed, any part of it may be a password.
    private static final String ENCODE_HINT =
            "; percent-encode '@', '/' and '?' in the user name and password (%40, %2F, %3F)";

    /** Rejects nulls, bad ports and an {@code sslmode} pgmux does not know; copies the parameters. */
    public BackendUrl {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(database, "database");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        String sslmode = params.get(SSLMODE);
        if (sslmode != null && TlsConfig.ServerMode.fromConfigName(sslmode).isEmpty()) {
            throw new IllegalArgumentException("sslmode must be one of " + String.join(", ",
                    ConfigNames.all(TlsConfig.ServerMode.values(), TlsConfig.ServerMode::configName)));
        }
    }

    /** The URL parameter that sets TLS to this server, as in libpq. */
    public static final String SSLMODE = "sslmode";

    /** {@code ?sslmode=} of this URL, which overrides {@code tls.server_mode} for this server; null when absent. */
    public TlsConfig.ServerMode sslMode() {
        String sslmode = params.get(SSLMODE);
        return sslmode == null ? null : TlsConfig.ServerMode.fromConfigName(sslmode).orElseThrow();
    }

    /**
     * Parses a {@code postgres://} or {@code postgresql://} URL.
     *
     * @param defaultDatabase used when the URL has no database, normally the name clients use
     * @throws IllegalArgumentException with a message that never contains the URL or its parts
     */
    public static BackendUrl parse(String url, String defaultDatabase) {
        String rest;
        if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else {
            throw new IllegalArgumentException("expected a postgres:// or postgresql:// URL");
        }
        int question = rest.indexOf('?');
        String query = question < 0 ? null : rest.substring(question + 1);
        String beforeQuery = question < 0 ? rest : rest.substring(0, question);
        // The user name and password may hold anything percent-encoded; the last '@' ends them.
        int at = beforeQuery.lastIndexOf('@');
        String userInfo = at < 0 ? null : beforeQuery.substring(0, at);
        String hostAndPath = beforeQuery.substring(at + 1);
        if (userInfo != null && userInfo.indexOf('/') >= 0) {
            throw new IllegalArgumentException("'/' before '@' in the URL" + ENCODE_HINT);
        }
        int slash = hostAndPath.indexOf('/');
        String authority = slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
        String path = slash < 0 ? "" : PercentCodec.decode(hostAndPath.substring(slash + 1), "database name");

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = PercentCodec.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user name");
            password = colon < 0 ? null : PercentCodec.decode(userInfo.substring(colon + 1), "password");
            if (user.isEmpty()) {
                if (password != null) {
                    throw new IllegalArgumentException("the URL has a password but no user name");
                }
                user = null;
            }
        }
        // the host first (its errors explain a '?' in a password), unless the query names it
        boolean hostInQuery = authorityHost(authority).isEmpty() && query != null;
        String[] hostPort = hostInQuery ? null : splitHostPort(authority);
        int port = hostInQuery || hostPort[1] == null ? DEFAULT_PORT : parsePort(hostPort[1]);
        Map<String, String> params = parseQuery(query);
        String socketDir = params.remove("host"); // it becomes the host: toString() writes it there, percent-encoded
        if (socketDir != null && (!socketDir.startsWith("/") || !hostInQuery)) {
            throw new IllegalArgumentException("the host parameter names a socket directory (starting with /) and "
                    + "needs an empty host before it (postgres://user@/db?host=/var/run/postgresql)");
        }
        if (hostInQuery) {
            if (socketDir == null) {
                throw new IllegalArgumentException("the URL has no host");
            }
            hostPort = new String[] {socketDir, portPart(authority)};
            port = hostPort[1] == null ? DEFAULT_PORT : parsePort(hostPort[1]);
        }
        return new BackendUrl(hostPort[0], port,
                path.isEmpty() ? defaultDatabase : path, user, password, params);
    }

    /** The host part of {@code authority}, without a port. */
    private static String authorityHost(String authority) {
        int colon = authority.startsWith("[") ? -1 : authority.indexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** The port part of a host-less {@code authority} ({@code :5433}), or null. */
    private static String portPart(String authority) {
        return authority.startsWith(":") ? authority.substring(1) : null;
    }

    /** True when this server is reached through a Unix-domain socket in the directory {@link #host()}. */
    public boolean isUnixSocket() {
        return host.startsWith("/");
    }

    private static String[] splitHostPort(String authority) {
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in the URL host");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("invalid URL host" + ENCODE_HINT);
                }
                port = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the URL has no host");
        }
        if (host.regionMatches(true, 0, "%2F", 0, 3)) {
            // a socket directory, percent-encoded as libpq accepts it: postgresql://%2Fvar%2Frun%2Fpostgresql/db
            String dir = PercentCodec.decode(host, "host");
            if (dir.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid URL host" + ENCODE_HINT);
            }
            return new String[] {dir, port};
        }
        if (host.chars().anyMatch(c -> c <= ' ' || "[],@/?#%".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("invalid URL host" + ENCODE_HINT);
        }
        return new String[] {host, port};
    }

    private static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid URL port" + ENCODE_HINT);
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("URL port must be between 1 and 65535");
        }
        return port;
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("URL query parameters must be key=value");
            }
            String key = PercentCodec.decode(pair.substring(0, eq), "query");
            if (params.put(key, PercentCodec.decode(pair.substring(eq + 1), "query")) != null) {
                throw new IllegalArgumentException("duplicate URL query parameter");
            }
        }
        return params;
    }

    /** {@code host:port}, with brackets around an IPv6 host. */
    public String hostPort() {
        if (isUnixSocket()) {
            return PercentCodec.encode(host) + ":" + port;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The URL with every part spelled out and the password (also in parameters) replaced by {@code ***}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("postgres://");
        if (user != null) {
            s.append(PercentCodec.encode(user));
            if (password != null) {
                s.append(":***");
            }
            s.append('@');
        }
        s.append(hostPort()).append('/').append(PercentCodec.encode(database));
        char sep = '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            boolean secret = p.getKey().toLowerCase(Locale.ROOT).contains("password");
            s.append(sep).append(PercentCodec.encode(p.getKey())).append('=')
                    .append(secret ? "***" : PercentCodec.encode(p.getValue()));
            sep = '&';
        }
        return s.toString();
    }
}
