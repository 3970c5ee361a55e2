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
 *
 * @param sql         the statement to send
 * @param unconfirmed raw startup values it applies; the server's reports settle them when it is done
 */
public record ParameterSync(String sql, List<String> unconfirmed) {

    /**
     * Returns the sync to send, or null when the server already matches (the common case, checked
     * without allocating). Unreported parameters pgmux sets are recorded on the server connection
     * here, as they will be by the time anything else runs.
     */
    public static ParameterSync plan(ClientParameters client, ServerConnection server) {
        long digest = client.fingerprint();
        if (digest != 1 && server.matchedParameters() == digest) {
            return null; // this server last matched a client expecting exactly this
        }
        if (matches(client, server)) {
            server.matchedParameters(digest == 1 ? 0 : digest);
            return null;
        }
        List<String> statements = new ArrayList<>();
        List<String> sets = new ArrayList<>();
        List<String> unconfirmed = new ArrayList<>();
        Map<String, String> reported = server.reportedParameters();
        for (Map.Entry<String, String> e : client.tracked().entrySet()) {
            String name = e.getKey();
            if (client.isUnconfirmed(name)) {
                // a fresh connection applies startup text over the built-in value (not the database's
                // or role's default, which the client's value outranks): so do we, to get the same
                // result for partial values such as DateStyle=ISO
                statements.add("SELECT pg_catalog.set_config(name, boot_val, false) FROM pg_catalog.pg_settings"
                        + " WHERE name = " + literal(name));
                statements.add("SELECT " + setConfig(name, e.getValue()));
                unconfirmed.add(name);
            } else if (!e.getValue().equals(reported.get(name))) {
                sets.add(setConfig(name, e.getValue()));
            }
        }
        Map<String, String> overrides = server.parameterOverrides();
        for (Map.Entry<String, String> e : client.explicit().entrySet()) {
            if (!e.getValue().equals(overrides.get(e.getKey()))) {
                sets.add(setConfig(e.getKey(), e.getValue()));
                overrides.put(e.getKey(), e.getValue());
            }
        }
        for (Iterator<String> it = overrides.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (!client.explicit().containsKey(name)) {
                statements.add("RESET " + identifier(name));
                it.remove();
            }
        }
        if (!sets.isEmpty()) {
            statements.add("SELECT " + String.join(",", sets));
        }
        // after this sync the server matches the client (its reports, if any, settle raw values)
        server.matchedParameters(unconfirmed.isEmpty() ? digest : 0);
        return new ParameterSync(String.join(";", statements), unconfirmed);
    }

    /** True when nothing needs sending: every tracked value equals the server's and the explicit ones are set. */
    static boolean matches(ClientParameters client, ServerConnection server) {
        return client.matches(server.reportedParameters(), server.parameterOverrides());
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
