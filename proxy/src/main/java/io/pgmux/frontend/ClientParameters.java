package io.pgmux.frontend;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The session parameters one client expects, so that whichever server connection it lands on can be
 * brought in line first (see {@link ParameterSync}).
 *
 * <p>Two kinds: tracked parameters are ones PostgreSQL reports with ParameterStatus (TimeZone,
 * DateStyle...), so a client's later {@code SET} is seen and followed; explicit parameters are other
 * settings the client gave in its startup packet (say {@code extra_float_digits}), which pgmux sets
 * on every server the client uses.
 *
 * <p>A startup value is raw text ({@code DateStyle=ISO}); PostgreSQL applies it over the default and
 * reports the full value ({@code ISO, MDY}). Until a server has shown the full value, the name is
 * unconfirmed: the sync resets the setting before applying it, as a fresh connection would, and then
 * adopts what the server reports. The confirmed startup values are also what a client's RESET goes
 * back to, as in PostgreSQL. Loop-confined, like the session that owns it.
 */
public final class ClientParameters {
    private final Map<String, String> tracked;
    private final Map<String, String> explicit;
    /** Tracked names whose value is raw startup text not yet shown in full by a server. */
    private final Set<String> unconfirmed = new HashSet<>();
    /** The startup values of tracked names (full once confirmed): where RESET goes back to. */
    private final Map<String, String> startup = new HashMap<>();
    /** A 64-bit digest of what the client expects, recomputed after a change; 0 while stale. */
    private long fingerprint;

    private ClientParameters(Map<String, String> tracked, Map<String, String> explicit) {
        this.tracked = tracked;
        this.explicit = explicit;
    }

    /**
     * @param startup      the client's startup parameters other than user, database and options
     * @param welcome      the pool's server defaults as reported at its first login
     * @param trackedNames the parameters kept in sync, spelled as PostgreSQL reports them
     * @param known        full values servers reported for raw startup text before (name → raw → full)
     */
    public static ClientParameters of(Map<String, String> startup, Map<String, String> welcome, List<String> trackedNames,
                                      Map<String, Map<String, String>> known) {
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
        ClientParameters p = new ClientParameters(tracked, new LinkedHashMap<>());
        startup.forEach((k, v) -> {
            String name = canonical.get(k.toLowerCase(Locale.ROOT));
            if (name == null) {
                p.explicit.put(k.toLowerCase(Locale.ROOT), v);
                return;
            }
            String full = known.getOrDefault(name, Map.of()).get(v);
            if (full != null) {
                tracked.put(name, full);
                p.startup.put(name, full);
            } else if (!v.equals(welcome.get(name))) {
                tracked.put(name, v);
                p.startup.put(name, v);
                p.unconfirmed.add(name);
            } else {
                p.startup.put(name, v);
            }
        });
        return p;
    }

    public static ClientParameters of(Map<String, String> startup, Map<String, String> welcome, List<String> trackedNames) {
        return of(startup, welcome, trackedNames, Map.of());
    }

    /** What the client is told at login: the server's parameters with the client's own values over them. */
    public Map<String, String> welcome(Map<String, String> serverWelcome) {
        Map<String, String> view = new LinkedHashMap<>(serverWelcome);
        view.putAll(tracked);
        // a reported setting the client gave untracked (default_transaction_read_only=on in options):
        // PostgreSQL would report the client's value, which libpq's target_session_attrs reads
        for (String name : serverWelcome.keySet()) {
            String v = explicit.get(name.toLowerCase(Locale.ROOT));
            if (v != null && !tracked.containsKey(name)) {
                view.put(name, asReported(v, serverWelcome.get(name)));
            }
        }
        return view;
    }

    /** A boolean setting is reported on/off whatever the spelling it was given in. */
    private static String asReported(String given, String serverValue) {
        if (serverValue.equals("on") || serverValue.equals("off")) {
            return ReadIntent.isOn(given) ? "on" : ReadIntent.isOff(given) ? "off" : given;
        }
        return given;
    }

    /**
     * A server reported a new value while this client held it (the client's SET, RESET or a
     * rollback). Returns true when it changed what the client expects.
     */
    public boolean onReported(String name, String value) {
        if (!tracked.containsKey(name)) {
            return false;
        }
        boolean changed = !value.equals(tracked.put(name, value));
        if (changed) {
            fingerprint = 0;
        }
        return changed;
    }

    /**
     * A sync that applied raw startup values finished: adopt the values the server now has and
     * remember them (in {@code known}) for the next client sending the same text.
     */
    void confirm(Collection<String> names, Map<String, String> serverValues, Map<String, Map<String, String>> known) {
        for (String name : names) {
            String full = serverValues.get(name);
            if (full == null || !unconfirmed.remove(name)) {
                continue;
            }
            String raw = startup.put(name, full);
            tracked.put(name, full);
            fingerprint = 0;
            if (raw != null) {
                known.computeIfAbsent(name, n -> new java.util.concurrent.ConcurrentHashMap<>()).putIfAbsent(raw, full);
            }
        }
    }

    /** A RESET (or DISCARD ALL) ran: these names go back to the client's startup values, if it gave any. */
    void reset(Collection<String> names) {
        for (String name : names) {
            String v = startup.get(name);
            if (v != null) {
                tracked.put(name, v);
                fingerprint = 0;
            }
        }
    }

    /** The tracked names a RESET of {@code setting} (lower case; "all" for every one) touches. */
    Set<String> trackedNames(String setting) {
        if (setting.equals("all")) {
            return tracked.keySet();
        }
        for (String name : tracked.keySet()) {
            if (name.equalsIgnoreCase(setting)) {
                return Set.of(name);
            }
        }
        return Set.of();
    }

    /** The client's startup value of a tracked setting, or null when it gave none. */
    String startupValue(String name) {
        return startup.get(name);
    }

    /** Sets what the client expects for a tracked setting (a restored RESET). */
    void expect(String name, String value) {
        if (tracked.containsKey(name)) {
            tracked.put(name, value);
            fingerprint = 0;
        }
    }

    /**
     * A digest of the expected settings. Servers remember the digest of the client they last matched
     * (see {@link io.pgmux.backend.ServerConnection#matchedParameters}), so the check on every lease is
     * usually one comparison instead of walking maps spread over memory; clients with the same
     * settings (every pgbench client, most of an application's) share the digest.
     */
    long fingerprint() {
        if (!unconfirmed.isEmpty()) {
            return 1; // raw startup values never match by digest: the server must show them in full first
        }
        long f = fingerprint;
        if (f == 0) {
            f = mix(mix(0xcbf29ce484222325L, tracked) * 31, explicit);
            f = f == 0 || f == 1 ? 2 : f;
            fingerprint = f;
        }
        return f;
    }

    private static long mix(long h, Map<String, String> m) {
        for (Map.Entry<String, String> e : m.entrySet()) {
            h = (h ^ e.getKey().hashCode()) * 0x100000001b3L;
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                h = (h ^ v.charAt(i)) * 0x100000001b3L;
            }
            h = (h ^ 0xff) * 0x100000001b3L;
        }
        return h ^ (h >>> 29);
    }

    /**
     * True when a server with these reported values and unreported overrides already matches this
     * client (the full comparison, when the digests differ).
     */
    boolean matches(Map<String, String> reported, Map<String, String> overrides) {
        if (!unconfirmed.isEmpty() || overrides.size() != explicit.size()) {
            return false;
        }
        for (Map.Entry<String, String> e : tracked.entrySet()) {
            if (!e.getValue().equals(reported.get(e.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<String, String> e : explicit.entrySet()) {
            if (!e.getValue().equals(overrides.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    boolean isUnconfirmed(String name) {
        return unconfirmed.contains(name);
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
