package io.pgmux.routing;

import io.pgmux.config.BackendUrl;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of a database: its role in the configuration, and what the last checks found (health,
 * role seen on the server, replication position and lag). Written by the {@link ClusterMonitor},
 * read by every event loop that routes, hence volatile fields and no locking.
 */
public final class Backend {

    /** The role the configuration gives it. */
    public enum Role { PRIMARY, REPLICA }

    /**
     * What the checks found. UNKNOWN: not checked yet (usable). UP: answers, in the expected role,
     * within the lag limit. LAGGING: a replica too far behind. DOWN: checks fail. PROMOTED: a replica
     * that is no longer in recovery (its data may diverge from the primary's). DEMOTED: a primary
     * found in recovery.
     */
    public enum Health { UNKNOWN, UP, LAGGING, DOWN, PROMOTED, DEMOTED }

    private final String name;
    private final int index;
    private final Role role;
    private final BackendUrl url;
    private final int weight;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile Health health = Health.UNKNOWN;
    private volatile long walLsn;
    private volatile long lagBytes;
    private volatile double lagSeconds;
    private volatile long checkedAtMillis;
    private volatile String problem = "";
    /** The monitor has credentials to check it (else it stays UNKNOWN, usable). */
    private volatile boolean monitored = true;

    /** @param index its position in {@link Cluster#backends()}: 0 for the primary, then the replicas */
    public Backend(String name, int index, Role role, BackendUrl url, int weight) {
        this.name = name;
        this.index = index;
        this.role = role;
        this.url = url;
        this.weight = Math.max(1, weight);
    }

    /** May take reads: never checked yet, or up (a replica within the lag limit), and its breaker not open. */
    public boolean usable() {
        Health h = health;
        io.pgmux.resilience.CircuitBreaker b = breaker;
        return (h == Health.UP || h == Health.UNKNOWN) && (b == null || b.state() != io.pgmux.resilience.CircuitBreaker.State.OPEN);
    }

    /** The server's circuit breaker (shared with its pools); null when breakers are off. */
    private volatile io.pgmux.resilience.CircuitBreaker breaker;

    public void breaker(io.pgmux.resilience.CircuitBreaker b) {
        this.breaker = b;
    }

    public io.pgmux.resilience.CircuitBreaker breaker() {
        return breaker;
    }

    /** Has replayed (or, for the primary, written) WAL up to {@code lsn}, as of the last check. */
    public boolean reached(long lsn) {
        return role == Role.PRIMARY || (walLsn != 0 && Long.compareUnsigned(walLsn, lsn) >= 0);
    }

    void checked(Health newHealth, long lsn, long behindBytes, double behindSeconds, String why) {
        this.walLsn = lsn;
        this.lagBytes = behindBytes;
        this.lagSeconds = behindSeconds;
        this.problem = why;
        this.checkedAtMillis = System.currentTimeMillis();
        this.health = newHealth;
    }

    /**
     * A client could not get a connection to it (connect or login failed): out of rotation at once,
     * rather than at the next check, which puts it back when it answers again. Returns true when
     * that changed its health.
     */
    public boolean markDown(String why) {
        if (role != Role.REPLICA || health == Health.DOWN || !monitored) {
            // unmonitored: no check would ever put it back, so clients keep trying it (and re-route once)
            return false;
        }
        checked(Health.DOWN, walLsn, lagBytes, lagSeconds, why);
        return true;
    }

    /** No credentials to check it with: it is never taken out of rotation. */
    void unmonitored() {
        monitored = false;
    }

    /** A transaction started on it (least_outstanding balancing). */
    public void begin() {
        outstanding.incrementAndGet();
    }

    public void end() {
        outstanding.decrementAndGet();
    }

    public int outstanding() {
        return outstanding.get();
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public Role role() {
        return role;
    }

    public BackendUrl url() {
        return url;
    }

    public int weight() {
        return weight;
    }

    public Health health() {
        return health;
    }

    /** The last WAL position seen: the primary's current position, a replica's replay position. */
    public long walLsn() {
        return walLsn;
    }

    public long lagBytes() {
        return lagBytes;
    }

    public double lagSeconds() {
        return lagSeconds;
    }

    public long checkedAtMillis() {
        return checkedAtMillis;
    }

    /** Why it is not UP (empty when it is). */
    public String problem() {
        return problem;
    }

    @Override
    public String toString() {
        return name + " (" + url.hostPort() + ")";
    }
}
