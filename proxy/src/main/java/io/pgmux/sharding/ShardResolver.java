package io.pgmux.sharding;

import java.util.List;

/**
 * Turns the {@link KeyRef}s a query gave into a shard: each key is read as the key column's type
 * (parameters from the Bind message) and hashed. Immutable and thread-safe; one per sharded
 * database.
 */
public record ShardResolver(ShardFunction function, KeyType keyType, int shardCount) {
    /** {@link #shardOf}: the keys fall on more than one shard. */
    public static final int SEVERAL = -1;
    /** {@link #shardOf}: a key cannot be read (a NULL or malformed value, a missing parameter). */
    public static final int UNKNOWN = -2;

    /** The values of the Bind message's parameters. */
    @FunctionalInterface
    public interface Params {
        /**
         * Parameter {@code index} (from 1) read as {@code type}, with {@link ShardKeyValue#ofText}
         * or {@link ShardKeyValue#ofBinary} by its format code; null when NULL, absent or
         * malformed.
         */
        ShardKeyValue value(int index, KeyType type);
    }

    /** No parameters: a simple Query, or a comment or SET hint. */
    public static final Params NO_PARAMS = (index, type) -> null;

    public ShardResolver {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shardCount must be positive: " + shardCount);
        }
    }

    /** The one shard all {@code keys} are on, else {@link #SEVERAL} or {@link #UNKNOWN}. */
    public int shardOf(List<KeyRef> keys, Params params) {
        int shard = UNKNOWN;
        for (KeyRef key : keys) {
            int s = shardOf(key, params);
            if (s == UNKNOWN) {
                return UNKNOWN;
            }
            if (shard >= 0 && s != shard) {
                return SEVERAL;
            }
            shard = s;
        }
        return shard;
    }

    /** The shard of one key, or {@link #UNKNOWN}. */
    public int shardOf(KeyRef key, Params params) {
        ShardKeyValue v = key instanceof KeyRef.Param p ? params.value(p.index(), keyType)
                : ShardKeyValue.ofText(((KeyRef.Literal) key).text(), keyType);
        return v == null ? UNKNOWN : function.shardOf(v, shardCount);
    }
}
