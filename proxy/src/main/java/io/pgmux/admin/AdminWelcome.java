package io.pgmux.admin;

import io.pgmux.pool.Pool;
import io.pgmux.server.Version;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ParameterStatus values the console sends after login. psql and pgjdbc read
 * {@code server_version} as "major.minor" from its start (libpq's PQserverVersion), so it starts
 * with a PostgreSQL version and names pgmux after it, as PgBouncer does for its console. The major
 * is the one pgmux's servers report (so psql behaves as on the data port), or
 * {@link #FALLBACK_MAJOR} before any server was reached; psql only warns when the server's major
 * is newer than its own. pgjdbc needs UTF8, ISO dates and integer datetimes.
 */
final class AdminWelcome {
    /** The PostgreSQL major pgmux is built and tested against. */
    static final int FALLBACK_MAJOR = 17;

    private AdminWelcome() {
    }

    static Map<String, String> parameters(Collection<Pool> pools) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("server_version", serverMajor(pools) + ".0 (pgmux " + Version.get() + ")");
        p.put("server_encoding", "UTF8");
        p.put("client_encoding", "UTF8");
        p.put("DateStyle", "ISO");
        p.put("integer_datetimes", "on");
        p.put("standard_conforming_strings", "on");
        p.put("application_name", "");
        p.put("TimeZone", "UTC");
        return p;
    }

    static int serverMajor(Collection<Pool> pools) {
        for (Pool pool : pools) {
            Map<String, String> w = pool.welcomeParameters();
            String v = w == null ? null : w.get("server_version");
            int major = v == null ? -1 : leadingInt(v);
            if (major > 0) {
                return major;
            }
        }
        return FALLBACK_MAJOR;
    }

    private static int leadingInt(String s) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        return i == 0 ? -1 : Integer.parseInt(s.substring(0, Math.min(i, 6)));
    }
}
