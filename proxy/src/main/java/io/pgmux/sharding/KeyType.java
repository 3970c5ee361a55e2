package io.pgmux.sharding;

/**
 * The PostgreSQL type family of a shard key column. The type decides how a key given as text (a
 * SQL literal, a text-format Bind parameter) or as binary (a binary-format Bind parameter) is read,
 * and which PostgreSQL hash function {@link PgHash} reproduces.
 */
public enum KeyType {
    /**
     * smallint, integer or bigint: PostgreSQL hashes the three alike for equal values (hashint8
     * folds a value that fits in 32 bits to what hashint4 and hashint2 see).
     */
    INTEGER,
    /** text or varchar under a deterministic collation: the UTF-8 bytes are hashed. */
    TEXT,
    /** uuid: the 16 bytes are hashed. */
    UUID
}
