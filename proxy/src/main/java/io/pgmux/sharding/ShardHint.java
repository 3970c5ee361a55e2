package io.pgmux.sharding;

import java.util.List;

/**
 * What a query says about its shard, as {@link ShardKeyExtractor} reads it. Precedence, highest
 * first: a {@code SET pgmux.*} statement, a {@code pgmux:} comment, the key found in the SQL.
 */
public sealed interface ShardHint {
    /** Nothing: no key, or one the extractor cannot prove (under OR, in a subquery...). */
    None NONE = new None();
    /** The comment {@code /* pgmux: all_shards *}{@code /}. */
    AllShards ALL_SHARDS = new AllShards();

    /** No shard can be told from this query: the caller's no-key rule applies. */
    record None() implements ShardHint {
    }

    /** {@code /* pgmux: all_shards *}{@code /}: run on every shard. */
    record AllShards() implements ShardHint {
    }

    /** {@code /* pgmux: shard=2 *}{@code /}: this shard, by number (not checked against the shard count). */
    record ExplicitShard(int shard) implements ShardHint {
    }

    /**
     * The rows the query touches all have one of these key values (one for {@code col = 42}, the
     * list for {@code col IN (...)} and multi-row INSERTs, without repeats); the caller hashes them
     * and decides what to do when they fall on several shards. Never empty.
     */
    record Keys(List<KeyRef> keys) implements ShardHint {
        public Keys {
            keys = List.copyOf(keys);
        }
    }

    /**
     * {@code SET [SESSION | LOCAL] pgmux.shard {= | TO} n}: the proxy answers it like PostgreSQL
     * answers a SET (CommandComplete {@code SET}), and routes what follows to shard n; LOCAL lasts
     * until the transaction ends.
     */
    record SetShard(int shard, boolean local) implements ShardHint {
    }

    /** {@code SET [SESSION | LOCAL] pgmux.shard_key {= | TO} 'value'}: as SetShard, by key. */
    record SetShardKey(String key, boolean local) implements ShardHint {
    }

    /**
     * {@code RESET pgmux.shard}, {@code SET pgmux.shard_key TO DEFAULT}...: forget the setting
     * ({@code pgmux.shard} or {@code pgmux.shard_key}).
     */
    record ResetShard(String setting) implements ShardHint {
    }

    /**
     * A SET or RESET of a {@code pgmux.*} setting that cannot be honoured (an unknown name, a shard
     * number that is not a number, a SET among other statements): the proxy answers with an error
     * rather than let a server store a setting pgmux never reads.
     */
    record BadShardSetting(String message) implements ShardHint {
    }
}
