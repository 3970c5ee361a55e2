package io.pgmux.routing;

import io.pgmux.config.BackendUrl;
import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.RoutingConfig;
import io.pgmux.config.ShardConfig;

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
    private final int shard;
    private final Backend primary;
    private final List<Backend> replicas;
    private final AtomicLong turns = new AtomicLong();
    private volatile RoutingConfig routing;
    private volatile ReadOnlyClassifier classifier;

    /** The servers of a database that is not sharded (or of its shard 0). */
    public Cluster(DatabaseConfig db) {
        this(db, 0);
    }

    /**
     * The servers of shard {@code shard} of {@code db}. Their names key their pools and name them in
     * the admin console: {@code primary} and {@code replica1}... for a database that is not
     * sharded, {@code shard0} and {@code shard0-replica1}... for a sharded one.
     */
    public Cluster(DatabaseConfig db, int shard) {
        this.database = db.name();
        this.shard = shard;
        ShardConfig s = db.shards().get(shard);
        this.primary = new Backend(primaryName(db, shard), 0, Backend.Role.PRIMARY, s.primary(), 1);
        List<Backend> r = new ArrayList<>();
        for (int i = 0; i < s.replicas().size(); i++) {
            BackendUrl url = s.replicas().get(i);
            r.add(new Backend(replicaName(db, shard, i), i + 1, Backend.Role.REPLICA, url, s.replicaWeights().get(i)));
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

    /** The name of shard {@code shard}'s primary: its pool's backend name. */
    public static String primaryName(DatabaseConfig db, int shard) {
        return db.isSharded() ? "shard" + shard : "primary";
    }

    /** The name of shard {@code shard}'s replica {@code i} (from 0): {@code replica1}, {@code shard0-replica1}... */
    public static String replicaName(DatabaseConfig db, int shard, int i) {
        return db.isSharded() ? primaryName(db, shard) + "-replica" + (i + 1) : "replica" + (i + 1);
    }

    /** True when {@code db}'s shard of this cluster names the same servers, so this cluster (and its pools) can stay. */
    public boolean sameServers(DatabaseConfig db) {
        if (shard >= db.shards().size() || !primary.name().equals(primaryName(db, shard))) {
            return false;
        }
        ShardConfig s = db.shards().get(shard);
        if (!s.primary().equals(primary.url()) || s.replicas().size() != replicas.size()) {
            return false;
        }
        for (int i = 0; i < replicas.size(); i++) {
            if (!s.replicas().get(i).equals(replicas.get(i).url())
                    || s.replicaWeights().get(i) != replicas.get(i).weight()) {
                return false;
            }
        }
        return true;
    }

    /** The shard these servers hold (0 for a database that is not sharded). */
    public int shard() {
        return shard;
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
