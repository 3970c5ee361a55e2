package io.pgmux.health;

/**
 * What pgmux last learned about one configured backend by probing it.
 *
 * @param database        the database name clients use
 * @param role            {@link Role#PRIMARY} or {@link Role#REPLICA}, as configured
 * @param address         host:port
 * @param health          up, down, or unknown before the first probe
 * @param inRecovery      the server's {@code pg_is_in_recovery()}, or null when not known
 * @param error           why the last probe failed (never holds a password), or null
 * @param checkedAtMillis wall-clock time of the last probe, 0 before the first
 */
public record BackendStatus(String database, Role role, String address, Health health, Boolean inRecovery,
                            String error, long checkedAtMillis) {

    /** The backend's role in the configuration. Shards will add a third. */
    public enum Role {
        PRIMARY, REPLICA;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The probe's verdict. */
    public enum Health {
        UP, DOWN, UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A backend never probed yet. */
    static BackendStatus unknown(String database, Role role, String address) {
        return new BackendStatus(database, role, address, Health.UNKNOWN, null, null, 0);
    }

    /** Identifies the backend across probes. */
    String key() {
        return database + "|" + role + "|" + address;
    }
}
