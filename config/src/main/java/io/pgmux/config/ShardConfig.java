package io.pgmux.config;

import java.util.List;
import java.util.Objects;

/**
 * One shard of a sharded database (an item of {@code shards:}): a primary and its replicas, which
 * take reads by the database's {@code routing:} rules as a plain database's replicas do.
 *
 * @param primary        the shard's read-write server
 * @param replicas       its read-only servers, possibly none
 * @param replicaWeights the weight of each replica, in the order of {@code replicas} (default 1)
 */
public record ShardConfig(BackendUrl primary, List<BackendUrl> replicas, List<Integer> replicaWeights) {

    /** Rejects nulls and copies the lists. */
    public ShardConfig {
        Objects.requireNonNull(primary, "primary");
        replicas = List.copyOf(replicas);
        replicaWeights = List.copyOf(replicaWeights);
        if (replicaWeights.size() != replicas.size()) {
            throw new IllegalArgumentException("one weight per replica");
        }
    }

    /** A shard whose replicas all have weight 1. */
    public ShardConfig(BackendUrl primary, List<BackendUrl> replicas) {
        this(primary, replicas, replicas.stream().map(r -> 1).toList());
    }
}
