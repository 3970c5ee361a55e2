package io.pgmux.sharding;

import io.pgmux.config.DatabaseConfig;
import io.pgmux.config.ShardingConfig;

import java.util.List;

/**
 * The sharding rules of one database, shared by its client sessions: how keys are found in SQL
 * ({@link ShardKeyExtractor}) and which shard a key belongs to ({@link ShardResolver}). Immutable.
 */
public final class ShardedDatabase {
    private final String name;
    private final ShardingConfig config;
    private final ShardKeyExtractor extractor;
    private final ShardResolver resolver;

    public ShardedDatabase(DatabaseConfig db) {
        this.name = db.name();
        this.config = db.sharding().orElseThrow(() -> new IllegalArgumentException(db.name() + " is not sharded"));
        this.extractor = new ShardKeyExtractor(new ShardKeyColumns(config.tables(), config.defaultColumn().orElse(null)));
        ShardFunction function = config.function() == ShardingConfig.ShardFunction.MODULO
                ? ModuloShard.INSTANCE : PgHash.INSTANCE;
        this.resolver = new ShardResolver(function, KeyType.valueOf(config.keyType().name()), db.shards().size());
    }

    public String name() {
        return name;
    }

    public ShardingConfig config() {
        return config;
    }

    public int shardCount() {
        return resolver.shardCount();
    }

    /** What {@code sql} says about its shard. */
    public ShardHint hint(String sql) {
        return extractor.extract(sql);
    }

    /** The one shard of {@code keys}, or {@link ShardResolver#SEVERAL} / {@link ShardResolver#UNKNOWN}. */
    public int shardOf(List<KeyRef> keys, ShardResolver.Params params) {
        return resolver.shardOf(keys, params);
    }

    /** The shard of a key given as text ({@code SET pgmux.shard_key}), or {@link ShardResolver#UNKNOWN}. */
    public int shardOfKey(String key) {
        return resolver.shardOf(new KeyRef.Literal(key), ShardResolver.NO_PARAMS);
    }

    public KeyType keyType() {
        return resolver.keyType();
    }
}
