package io.pgmux.health;

/**
 * What pgmux last learned about one configured backend, by probing it on demand or, for databases
 * with replicas, from the cluster monitor's periodic checks.
 *
 * @param database        the database name clients use
 * @param role            {@link Role#PRIMARY} or {@link Role#REPLICA}, as configured
 * @param address         host:port
 * @param health          see {@link Health}
 * @param inRecovery      the server's {@code pg_is_in_recovery()}, or null when not known
 * @param error           why it is not up (never holds a password), or null
 * @param checkedAtMillis wall-clock time of the last check, 0 before the first
 * @param lagBytes        a monitored replica's replay distance behind the primary's WAL, else null
 * @param lagSeconds      ... and in replay time, else null
 */
public record BackendStatus(String database, Role role, String address, Health health, Boolean inRecovery,
                            String error, long checkedAtMillis, Long lagBytes, Double lagSeconds) {

    /** The backend's role in the configuration. Shards will add a third. */
    public enum Role {
        PRIMARY, REPLICA;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * UP: answers in its configured role. DOWN: does not answer. UNKNOWN: not checked yet, or no
     * credentials to check with. LAGGING: a replica beyond {@code max_replica_lag}. PROMOTED: a
     * replica no longer in recovery. DEMOTED: a primary found in recovery.
     */
    public enum Health {
        UP, DOWN, UNKNOWN, LAGGING, PROMOTED, DEMOTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Without lag figures (an on-demand probe). */
    public BackendStatus(String database, Role role, String address, Health health, Boolean inRecovery,
                         String error, long checkedAtMillis) {
        this(database, role, address, health, inRecovery, error, checkedAtMillis, null, null);
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
