package io.pgmux.sharding;

/**
 * Maps a shard key's value to one of {@code shardCount} shards, numbered from 0. Pure and
 * thread-safe: one instance serves every connection.
 */
public interface ShardFunction {

    /**
     * The shard of {@code key}, in {@code [0, shardCount)}.
     *
     * @throws IllegalArgumentException when this function cannot map keys of that type
     */
    int shardOf(ShardKeyValue key, int shardCount);

    /** The function for a configuration's {@code function:} name: {@code pg_hash} or {@code modulo}. */
    static ShardFunction named(String name) {
        return switch (name) {
            case "pg_hash" -> PgHash.INSTANCE;
            case "modulo" -> ModuloShard.INSTANCE;
            default -> throw new IllegalArgumentException("unknown sharding function " + name
                    + " (expected pg_hash or modulo)");
        };
    }
}
