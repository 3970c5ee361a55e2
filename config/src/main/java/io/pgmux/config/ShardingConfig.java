package io.pgmux.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How rows of a sharded database are spread over its shards ({@code sharding:}), and what happens to
 * statements whose shard cannot be found. See docs/sharding.md.
 *
 * <p>Table and column names are held as PostgreSQL folds identifiers (see {@link Identifiers}):
 * written unquoted they are lower-cased, written in double quotes they are kept exactly, without the
 * quotes. The proxy folds the names in SQL the same way and compares them exactly.
 *
 * @param function       how a key maps to a shard
 * @param keyType        the SQL type family of the sharding column: the hash of a key depends on it, so
 *                       it must match the column type of the tables (as hash partitioning's does)
 * @param tables         table name to its sharding column, in file order; a table is matched in any schema
 * @param defaultColumn  the sharding column of tables not in {@code tables}, if any
 * @param noKey          what a statement whose shard cannot be found gets
 * @param maxScatterRows most rows a scatter query may hold in memory, over all shards, before it fails
 */
public record ShardingConfig(ShardFunction function, KeyType keyType, Map<String, String> tables,
                             Optional<String> defaultColumn, NoKey noKey, int maxScatterRows) {

    /**
     * {@code pg_hash}: shard i of N holds the rows PostgreSQL puts in {@code PARTITION BY HASH} partition
     * {@code MODULUS N, REMAINDER i}; {@code modulo}: integer key k goes to shard k mod N (non-negative).
     */
    public enum ShardFunction { PG_HASH, MODULO }

    /**
     * {@code integer} for smallint, integer and bigint columns (PostgreSQL hashes them alike),
     * {@code text} for text and varchar, {@code uuid} for uuid.
     */
    public enum KeyType { INTEGER, TEXT, UUID }

    /** {@code scatter}: read-only SELECTs run on every shard and are merged; {@code error}: refused. */
    public enum NoKey { SCATTER, ERROR }

    /** Scatter results are buffered to be merged: a bound keeps one query from exhausting the heap. */
    public static final int DEFAULT_MAX_SCATTER_ROWS = 100_000;

    /** Rejects nulls and copies the table map, keeping its order. */
    public ShardingConfig {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(defaultColumn, "defaultColumn");
        Objects.requireNonNull(noKey, "noKey");
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** Every key at its default: pg_hash over integer keys, no tables, scatter. */
    public static ShardingConfig defaults() {
        return new ShardingConfig(ShardFunction.PG_HASH, KeyType.INTEGER, Map.of(), Optional.empty(),
                NoKey.SCATTER, DEFAULT_MAX_SCATTER_ROWS);
    }

    /**
     * The sharding column of a table: its entry in {@code tables}, else {@code default_column}.
     *
     * @param table the table name as PostgreSQL folds it, without schema
     */
    public Optional<String> columnFor(String table) {
        String column = tables.get(table);
        return column != null ? Optional.of(column) : defaultColumn;
    }
}
