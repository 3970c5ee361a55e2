package io.pgmux.routing;

import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.RoutingConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The servers of one database: its primary and replicas, and the rules for choosing one for a
 * read ({@code routing:}). Writes always go to the primary; this class answers "which server for a
 * read", using the health and lag the {@link ClusterMonitor} last saw.
 */
public final class Cluster {
    private final String database;
    private final Backend primary;
    private final List<Backend> replicas;
    private final AtomicLong turns = new AtomicLong();
    private volatile RoutingConfig routing;
    private volatile ReadOnlyClassifier classifier;

    public Cluster(DatabaseConfig db) {
        this.database = db.name();
        this.primary = new Backend("primary", 0, Backend.Role.PRIMARY, db.primary(), 1);
        List<Backend> r = new ArrayList<>();
        for (int i = 0; i < db.replicas().size(); i++) {
            BackendUrl url = db.replicas().get(i);
            r.add(new Backend("replica" + (i + 1), i + 1, Backend.Role.REPLICA, url, db.replicaWeights().get(i)));
        }
        this.replicas = List.copyOf(r);
        this.routing = db.routing();
        this.classifier = new ReadOnlyClassifier(routing.denyFunctions());
    }

    /**
     * The server for a read that must see WAL up to {@code minLsn} (0: anything goes): a usable
     * replica that has replayed that far, chosen by the balancing rule, or the primary when the
     * rules allow (no usable replica and fallback_to_primary, primary_reads: share, or a
     * read-your-writes position no replica has reached). Null when no server may take it.
     */
    public Backend forRead(long minLsn) {
        RoutingConfig r = routing;
        boolean share = r.primaryReads() == RoutingConfig.PrimaryReads.SHARE && primary.usable();
        // two passes without allocating: this runs for every read transaction
        int totalWeight = 0;
        boolean someUsable = false;
        for (Backend b : replicas) {
            if (b.usable()) {
                someUsable = true;
                if (minLsn == 0 || b.reached(minLsn)) {
                    totalWeight += b.weight();
                }
            }
        }
        if (totalWeight == 0) {
            // read-your-writes: the primary until a replica has caught up; otherwise only as fallback
            return someUsable || r.fallbackToPrimary() ? primary : null;
        }
        if (share) {
            totalWeight += primary.weight();
        }
        return r.balance() == RoutingConfig.Balance.ROUND_ROBIN
                ? roundRobin(minLsn, share, totalWeight) : leastOutstanding(minLsn, share);
    }

    private boolean candidate(Backend b, long minLsn) {
        return b.usable() && (minLsn == 0 || b.reached(minLsn));
    }

    /** Fewest transactions in flight per unit of weight; ties rotate so equal replicas share evenly. */
    private Backend leastOutstanding(long minLsn, boolean share) {
        int n = replicas.size() + (share ? 1 : 0); // with share, slot n is the primary
        int start = (int) Math.floorMod(turns.getAndIncrement(), (long) n);
        Backend best = null;
        long bestScore = Long.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int slot = (start + k) % n;
            Backend b = slot == replicas.size() ? primary : replicas.get(slot);
            if (b == primary || candidate(b, minLsn)) {
                long score = (long) b.outstanding() * 1000 / b.weight();
                if (score < bestScore) {
                    best = b;
                    bestScore = score;
                }
            }
        }
        return best;
    }

    /** Weighted turns: a replica of weight 2 gets two turns in a row per round. */
    private Backend roundRobin(long minLsn, boolean share, int totalWeight) {
        long turn = Math.floorMod(turns.getAndIncrement(), (long) totalWeight);
        for (Backend b : replicas) {
            if (candidate(b, minLsn)) {
                turn -= b.weight();
                if (turn < 0) {
                    return b;
                }
            }
        }
        return share ? primary : replicas.get(0);
    }

    public Backend primary() {
        return primary;
    }

    public List<Backend> replicas() {
        return replicas;
    }

    public boolean hasReplicas() {
        return !replicas.isEmpty();
    }

    public RoutingConfig routing() {
        return routing;
    }

    /** Decides what may run on a replica, with this database's deny list. */
    public ReadOnlyClassifier classifier() {
        return classifier;
    }

    /** RELOAD: new rules for the same servers. */
    public void updateRouting(RoutingConfig newRouting) {
        this.classifier = new ReadOnlyClassifier(newRouting.denyFunctions());
        this.routing = newRouting;
    }

    /** True when {@code db} names the same servers, so this cluster (and its pools) can stay. */
    public boolean sameServers(DatabaseConfig db) {
        if (!db.primary().equals(primary.url()) || db.replicas().size() != replicas.size()) {
            return false;
        }
        for (int i = 0; i < replicas.size(); i++) {
            if (!db.replicas().get(i).equals(replicas.get(i).url())
                    || db.replicaWeights().get(i) != replicas.get(i).weight()) {
                return false;
            }
        }
        return true;
    }

    public String database() {
        return database;
    }

    /** All servers, primary first. */
    public List<Backend> backends() {
        List<Backend> all = new ArrayList<>(replicas.size() + 1);
        all.add(primary);
        all.addAll(replicas);
        return all;
    }
}
