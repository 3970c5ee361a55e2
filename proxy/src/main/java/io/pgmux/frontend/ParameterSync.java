package io.pgmux.frontend;

import io.pgmux.backend.ServerConnection;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the one statement that makes a server connection's session parameters match a client's
 * before the client's own traffic runs on it (PgBouncer's varcache_apply). It is pipelined ahead of
 * the client's messages and its responses are swallowed, so a match costs nothing and a mismatch no
 * extra round trip.
 */
public final class ParameterSync {
    private ParameterSync() {
    }

    /**
     * Returns the SQL to send, or null when the server already matches. Unreported parameters pgmux
     * sets are recorded on the server connection here, as they will be by the time anything else runs.
     */
    public static String statement(ClientParameters client, ServerConnection server) {
        List<String> sets = new ArrayList<>();
        List<String> resets = new ArrayList<>();
        Map<String, String> reported = server.reportedParameters();
        client.tracked().forEach((name, value) -> {
            if (!value.equals(reported.get(name))) {
                sets.add(setConfig(name, value));
            }
        });
        Map<String, String> overrides = server.parameterOverrides();
        client.explicit().forEach((name, value) -> {
            if (!value.equals(overrides.get(name))) {
                sets.add(setConfig(name, value));
                overrides.put(name, value);
            }
        });
        for (Iterator<String> it = overrides.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!client.explicit().containsKey(name)) {
                resets.add("RESET " + identifier(name));
                it.remove();
            }
        }
        if (sets.isEmpty() && resets.isEmpty()) {
            return null;
        }
        StringBuilder sql = new StringBuilder(64);
        if (!sets.isEmpty()) {
            sql.append("SELECT ").append(String.join(",", sets));
        }
        for (String r : resets) {
            if (sql.length() > 0) {
                sql.append(';');
            }
            sql.append(r);
        }
        return sql.toString();
    }

    // set_config takes the value as postgresql.conf would, so list values such as search_path
    // ('"$user", public') keep their meaning, which SET name TO '...' would not.
    private static String setConfig(String name, String value) {
        return "pg_catalog.set_config(" + literal(name) + "," + literal(value) + ",false)";
    }

    /** An escape-string literal: correct whatever standard_conforming_strings is on that server. */
    static String literal(String s) {
        return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    static String identifier(String name) {
        if (name.matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
