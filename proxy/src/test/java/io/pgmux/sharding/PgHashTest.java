package io.pgmux.sharding;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Known values, computed by PostgreSQL 15 (x86-64, UTF-8 database): {@code hashint8extended},
 * {@code hashtextextended}, {@code uuid_hash_extended} with the partition seed, and
 * {@code satisfies_hash_partition} on hash-partitioned tables. ShardHashIT checks thousands more
 * against a live server.
 */
class PgHashTest {
    private static final long SEED = PgHash.HASH_PARTITION_SEED;

    private static ShardKeyValue integer(long v) {
        return new ShardKeyValue.IntegerKey(v);
    }

    private static ShardKeyValue text(String s) {
        return new ShardKeyValue.TextKey(s);
    }

    private static ShardKeyValue uuid(String s) {
        return ShardKeyValue.ofText(s, KeyType.UUID);
    }

    @Test
    void seedIsPostgresPartitionSeed() {
        assertEquals(8816678312871386365L, SEED);
    }

    @Test
    void integerExtendedHashes() {
        // select hashint8extended(v, 8816678312871386365): the same for int2/int4 of 42
        assertEquals(7363975540656877951L, PgHash.extendedHash(integer(42), SEED));
        assertEquals(-5017072347659237694L, PgHash.extendedHash(integer(-1), SEED));
        assertEquals(4154612158245552303L, PgHash.extendedHash(integer(0), 0));
        assertEquals(4938542303000433043L, PgHash.extendedHash(integer(Long.MAX_VALUE), SEED));
        assertEquals(-6050265599104649060L, PgHash.extendedHash(integer(Long.MIN_VALUE), SEED));
    }

    @Test
    void textExtendedHashes() {
        // select hashtextextended(s, seed): lengths 0, 5, 26 (two full 12-byte blocks), multi-byte UTF-8
        assertEquals(-5700645584453517373L, PgHash.extendedHash(text(""), SEED));
        assertEquals(-2635279551741001039L, PgHash.extendedHash(text("hello"), SEED));
        assertEquals(-7171292135076916904L, PgHash.extendedHash(text("abcdefghijklmnopqrstuvwxyz"), SEED));
        assertEquals(-3958577835331020376L, PgHash.extendedHash(text("héllo wörld ✓"), SEED));
        assertEquals(-6747756470228489321L, PgHash.extendedHash(text("abc"), 0));
    }

    @Test
    void uuidExtendedHash() {
        assertEquals(424513190990560493L,
                PgHash.extendedHash(uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), SEED));
    }

    @Test
    void shardsMatchSatisfiesHashPartition() {
        // satisfies_hash_partition('h'::regclass, 3, i, k) is true for these i
        long[] keys = {0, 1, 2, 3, 42, -1, Long.MAX_VALUE, Long.MIN_VALUE};
        int[] shards = {2, 2, 0, 1, 0, 2, 0, 1};
        for (int i = 0; i < keys.length; i++) {
            assertEquals(shards[i], PgHash.INSTANCE.shardOf(integer(keys[i]), 3), "key " + keys[i]);
        }
        String[] texts = {"", "a", "hello", "abcdefghijklmnopqrstuvwxyz", "héllo wörld ✓"};
        int[] textShards = {2, 2, 0, 3, 3};
        for (int i = 0; i < texts.length; i++) {
            assertEquals(textShards[i], PgHash.INSTANCE.shardOf(text(texts[i]), 4), "key " + texts[i]);
        }
        assertEquals(6, PgHash.INSTANCE.shardOf(uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), 7));
        assertEquals(2, PgHash.INSTANCE.shardOf(uuid("00000000-0000-0000-0000-000000000000"), 7));
    }

    @Test
    void textAndBinaryFormsOfAKeyHashAlike() {
        int shard = PgHash.INSTANCE.shardOf(integer(42), 7);
        assertEquals(shard, PgHash.INSTANCE.shardOf(ShardKeyValue.ofText("42", KeyType.INTEGER), 7));
        assertEquals(shard, PgHash.INSTANCE.shardOf(ShardKeyValue.ofBinary(new byte[] {0, 42}, 0, 2, KeyType.INTEGER), 7));
        byte[] int8 = ByteBuffer.allocate(8).putLong(42).array();
        assertEquals(shard, PgHash.INSTANCE.shardOf(ShardKeyValue.ofBinary(int8, 0, 8, KeyType.INTEGER), 7));
        byte[] minusOne = {-1, -1, -1, -1};
        assertEquals(integer(-1), ShardKeyValue.ofBinary(minusOne, 0, 4, KeyType.INTEGER));
        byte[] u = ByteBuffer.allocate(16).putLong(0xa0eebc999c0b4ef8L).putLong(0xbb6d6bb9bd380a11L).array();
        assertEquals(uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), ShardKeyValue.ofBinary(u, 0, 16, KeyType.UUID));
    }

    @Test
    void moduloIsNonNegative() {
        assertEquals(2, ModuloShard.INSTANCE.shardOf(integer(-1), 3));
        assertEquals(0, ModuloShard.INSTANCE.shardOf(integer(9), 3));
        assertEquals(1, ModuloShard.INSTANCE.shardOf(integer(Long.MIN_VALUE), 3)); // -2^63 = 3k + 1
        assertEquals(1, ModuloShard.INSTANCE.shardOf(integer(Long.MAX_VALUE), 3));
        assertThrows(IllegalArgumentException.class, () -> ModuloShard.INSTANCE.shardOf(text("a"), 3));
        assertEquals(ModuloShard.INSTANCE, ShardFunction.named("modulo"));
        assertEquals(PgHash.INSTANCE, ShardFunction.named("pg_hash"));
    }
}
