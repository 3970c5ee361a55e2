package io.pgmux.frontend;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The session parameters one client expects, so that whichever server connection it lands on can be
 * brought in line first (see {@link ParameterSync}).
 *
 * <p>Two kinds: tracked parameters are ones PostgreSQL reports with ParameterStatus (TimeZone,
 * DateStyle...), so a client's later {@code SET} is seen and followed; explicit parameters are other
 * settings the client gave in its startup packet (say {@code extra_float_digits}), which pgmux sets
 * on every server the client uses. Loop-confined, like the session that owns it.
 */
public final class ClientParameters {
    private final Map<String, String> tracked;
    private final Map<String, String> explicit;

    private ClientParameters(Map<String, String> tracked, Map<String, String> explicit) {
        this.tracked = tracked;
        this.explicit = explicit;
    }

    /**
     * @param startup      the client's startup parameters other than user, database and options
     * @param welcome      the pool's server defaults as reported at its first login
     * @param trackedNames the parameters kept in sync, spelled as PostgreSQL reports them
     */
    public static ClientParameters of(Map<String, String> startup, Map<String, String> welcome, List<String> trackedNames) {
        Map<String, String> canonical = new HashMap<>();
        for (String name : trackedNames) {
            canonical.put(name.toLowerCase(Locale.ROOT), name);
        }
        Map<String, String> tracked = new LinkedHashMap<>();
        for (String name : trackedNames) {
            String v = welcome.get(name);
            if (v != null) {
                tracked.put(name, v);
            }
        }
        Map<String, String> explicit = new LinkedHashMap<>();
        startup.forEach((k, v) -> {
            String name = canonical.get(k.toLowerCase(Locale.ROOT));
            if (name != null) {
                tracked.put(name, v);
            } else {
                explicit.put(k.toLowerCase(Locale.ROOT), v);
            }
        });
        return new ClientParameters(tracked, explicit);
    }

    /** What the client is told at login: the server's parameters with the client's own values over them. */
    public Map<String, String> welcome(Map<String, String> serverWelcome) {
        Map<String, String> view = new LinkedHashMap<>(serverWelcome);
        view.putAll(tracked);
        return view;
    }

    /**
     * A server reported a new value while this client held it (the client's SET, RESET or a
     * rollback). Returns true when it changed what the client expects.
     */
    public boolean onReported(String name, String value) {
        if (!tracked.containsKey(name)) {
            return false;
        }
        return !value.equals(tracked.put(name, value));
    }

    public Map<String, String> tracked() {
        return Collections.unmodifiableMap(tracked);
    }

    public Map<String, String> explicit() {
        return Collections.unmodifiableMap(explicit);
    }

    public String get(String name) {
        String v = tracked.get(name);
        return v != null ? v : explicit.get(name.toLowerCase(Locale.ROOT));
    }
}
