package io.pgmux.sharding;

import java.nio.charset.StandardCharsets;

/**
 * {@code function: pg_hash}: the shard PostgreSQL itself would pick for a table
 * {@code PARTITION BY HASH (key)} with partitions {@code MODULUS N, REMAINDER i}, so data already
 * split by PostgreSQL's hash partitioning (or moved with it) is where pgmux looks for it.
 *
 * <p>PostgreSQL ({@code partbounds.c compute_partition_hash_value}) calls the key type's extended
 * hash function with the seed {@code HASH_PARTITION_SEED}, folds the result into 0 with
 * {@code hash_combine64} and takes the unsigned remainder by the modulus. The extended hash
 * functions: {@code hashint8extended} (smallint and integer give the same hash for the same value),
 * {@code hashtextextended} (the UTF-8 bytes, for a deterministic collation; a nondeterministic ICU
 * collation hashes a sort key instead and is not supported), {@code uuid_hash_extended} (the 16
 * bytes). All assume a UTF-8 database on a little-endian server.
 */
public final class PgHash implements ShardFunction {
    public static final PgHash INSTANCE = new PgHash();

    /** {@code HASH_PARTITION_SEED} from {@code src/include/catalog/partition.h}. */
    static final long HASH_PARTITION_SEED = 0x7A5B22367996DCFDL;

    private PgHash() {
    }

    @Override
    public int shardOf(ShardKeyValue key, int shardCount) {
        return (int) Long.remainderUnsigned(partitionHash(key), shardCount);
    }

    /** The 64-bit row hash of a one-column partition key, as PostgreSQL computes it. */
    public static long partitionHash(ShardKeyValue key) {
        return combine64(0, extendedHash(key, HASH_PARTITION_SEED));
    }

    /** The key type's extended hash function (hashint8extended, hashtextextended, uuid_hash_extended). */
    static long extendedHash(ShardKeyValue key, long seed) {
        if (key instanceof ShardKeyValue.IntegerKey k) {
            long v = k.value();
            // hashint8extended: xor in the high half (its complement when negative), so a value
            // that fits in 32 bits hashes like hashint4extended of it
            int lo = (int) v;
            int hi = (int) (v >>> 32);
            lo ^= v >= 0 ? hi : ~hi;
            return JenkinsHash.hashUint32Extended(lo, seed);
        }
        if (key instanceof ShardKeyValue.TextKey t) {
            byte[] utf8 = t.value().getBytes(StandardCharsets.UTF_8);
            return JenkinsHash.hashBytesExtended(utf8, 0, utf8.length, seed);
        }
        ShardKeyValue.UuidKey u = (ShardKeyValue.UuidKey) key;
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (u.high() >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (u.low() >>> (56 - 8 * i));
        }
        return JenkinsHash.hashBytesExtended(bytes, 0, 16, seed);
    }

    /** {@code hash_combine64(a, b)} from {@code src/include/common/hashfn.h}. */
    static long combine64(long a, long b) {
        return a ^ (b + 0x49a0f4dd15e5a8e3L + (a << 54) + (a >>> 7));
    }

    @Override
    public String toString() {
        return "pg_hash";
    }
}
