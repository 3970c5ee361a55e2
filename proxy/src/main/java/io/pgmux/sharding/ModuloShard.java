package io.pgmux.sharding;

/**
 * {@code function: modulo}: integer key k goes to shard {@code k mod N}, never negative (-1 of 3
 * shards is shard 2), for key spaces the application already lays out by number.
 */
public final class ModuloShard implements ShardFunction {
    public static final ModuloShard INSTANCE = new ModuloShard();

    private ModuloShard() {
    }

    @Override
    public int shardOf(ShardKeyValue key, int shardCount) {
        if (!(key instanceof ShardKeyValue.IntegerKey k)) {
            throw new IllegalArgumentException("modulo sharding needs an integer key, got " + key);
        }
        return (int) Math.floorMod(k.value(), (long) shardCount);
    }

    @Override
    public String toString() {
        return "modulo";
    }
}
