package io.pgmux.it;

import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import io.pgmux.sharding.KeyType;
import io.pgmux.sharding.PgHash;
import io.pgmux.sharding.ShardKeyValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * pg_hash against PostgreSQL itself: for thousands of keys per key type and N in {2, 3, 4, 7},
 * the shard {@link PgHash} picks is the one remainder i for which the server's
 * {@code satisfies_hash_partition(parent, N, i, key)} is true (the function behind hash partition
 * constraints). Keys are given both as text and in their binary wire form; each must agree.
 * Then rows inserted into real hash partitions land where pgmux says.
 */
class ShardHashIT {
    private static final int[] MODULI = {2, 3, 4, 7};
    private static final String DB = "shard_hash_it";
    private static final Random RANDOM = new Random(20240607);
    static TestPostgres pg;
    static Connection c;

    @BeforeAll
    static void start() throws SQLException {
        pg = SharedPostgres.get();
        // UTF-8 whatever the cluster's default: hashtextextended hashes the database encoding's bytes
        pg.sql("postgres", "DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)",
                "CREATE DATABASE " + DB + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        List<String> ddl = new ArrayList<>();
        for (String type : new String[] {"bigint", "integer", "smallint", "text", "varchar", "uuid"}) {
            ddl.add("CREATE TABLE p_" + type + " (k " + type + ") PARTITION BY HASH (k)");
        }
        pg.sql(DB, ddl.toArray(String[]::new));
        c = pg.superuser(DB);
    }

    @AfterAll
    static void stop() throws SQLException {
        c.close();
    }

    @Test
    void bigintKeys() throws SQLException {
        List<Long> keys = new ArrayList<>(List.of(0L, 1L, -1L, 42L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
                (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE, Integer.MIN_VALUE - 1L, Integer.MAX_VALUE + 1L,
                1L << 32, -(1L << 32), 0xFFFFFFFFL));
        for (int i = 0; i < 1000; i++) {
            keys.add((long) i - 500);
        }
        for (int i = 0; i < 3000; i++) {
            keys.add(RANDOM.nextLong());
        }
        compare("bigint", "int8", keys.toArray(Long[]::new), k -> integerForms(k, 8));
    }

    @Test
    void integerKeys() throws SQLException {
        List<Integer> keys = new ArrayList<>(List.of(0, 1, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE));
        for (int i = 0; i < 3000; i++) {
            keys.add(RANDOM.nextInt());
        }
        compare("integer", "int4", keys.toArray(Integer[]::new), k -> integerForms(k, 4));
    }

    @Test
    void smallintKeys() throws SQLException {
        List<Short> keys = new ArrayList<>(List.of((short) 0, (short) -1, Short.MIN_VALUE, Short.MAX_VALUE));
        for (int i = 0; i < 2000; i++) {
            keys.add((short) RANDOM.nextInt());
        }
        compare("smallint", "int2", keys.toArray(Short[]::new), k -> integerForms(k, 2));
    }

    @Test
    void textAndVarcharKeys() throws SQLException {
        String[] keys = textKeys();
        compare("text", "text", keys, ShardHashIT::textForms);
        compare("varchar", "varchar", keys, ShardHashIT::textForms);
    }

    @Test
    void uuidKeys() throws SQLException {
        List<UUID> keys = new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1),
                UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")));
        for (int i = 0; i < 3000; i++) {
            keys.add(new UUID(RANDOM.nextLong(), RANDOM.nextLong()));
        }
        compare("uuid", "uuid", keys.toArray(UUID[]::new), u -> {
            byte[] b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
            return List.of(ShardKeyValue.ofText(u.toString(), KeyType.UUID), ShardKeyValue.ofBinary(b, 0, 16, KeyType.UUID));
        });
    }

    @Test
    void rowsLandInThePartitionPgmuxPicks() throws SQLException {
        pg.sql(DB, "CREATE TABLE orders (customer_id bigint, note text) PARTITION BY HASH (customer_id)");
        for (int i = 0; i < 7; i++) {
            pg.sql(DB, "CREATE TABLE orders_" + i + " PARTITION OF orders FOR VALUES WITH (MODULUS 7, REMAINDER " + i + ")");
        }
        Long[] keys = new Long[2000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i < 1000 ? i : RANDOM.nextLong();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders SELECT k, 'x' FROM unnest(?::int8[]) k")) {
            ps.setArray(1, c.createArrayOf("int8", keys));
            ps.executeUpdate();
        }
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, tableoid::regclass::text FROM orders");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long k = rs.getLong(1);
                int shard = PgHash.INSTANCE.shardOf(new ShardKeyValue.IntegerKey(k), 7);
                assertEquals("orders_" + shard, rs.getString(2), "customer_id " + k);
                rows++;
            }
        }
        assertEquals(keys.length, rows);
    }

    /**
     * For each N, asks the server which remainder each key satisfies (one query per N, the keys
     * in one array) and checks every form of the key pgmux can be given maps to it.
     */
    private <T> void compare(String table, String arrayType, T[] keys, Function<T, List<ShardKeyValue>> forms)
            throws SQLException {
        String sql = "SELECT (SELECT array_agg(i) FROM generate_series(0, ? - 1) i"
                + " WHERE satisfies_hash_partition('p_" + table + "'::regclass, ?, i, u.k))"
                + " FROM unnest(?::" + arrayType + "[]) WITH ORDINALITY AS u(k, n) ORDER BY u.n";
        Array array = c.createArrayOf(arrayType, keys);
        for (int n : MODULI) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, n);
                ps.setInt(2, n);
                ps.setArray(3, array);
                try (ResultSet rs = ps.executeQuery()) {
                    int i = 0;
                    while (rs.next()) {
                        Integer[] satisfied = (Integer[]) rs.getArray(1).getArray();
                        assertEquals(1, satisfied.length, "exactly one remainder for " + keys[i]);
                        for (ShardKeyValue form : forms.apply(keys[i])) {
                            assertEquals(satisfied[0].intValue(), PgHash.INSTANCE.shardOf(form, n),
                                    table + " key " + keys[i] + " as " + form + ", modulus " + n);
                        }
                        i++;
                    }
                    assertEquals(keys.length, i);
                }
            }
        }
    }

    /** The key as a SQL literal would give it, and as a binary Bind parameter of the column's width. */
    private static List<ShardKeyValue> integerForms(Number k, int width) {
        ByteBuffer b = ByteBuffer.allocate(width);
        switch (width) {
            case 2 -> b.putShort(k.shortValue());
            case 4 -> b.putInt(k.intValue());
            default -> b.putLong(k.longValue());
        }
        return List.of(ShardKeyValue.ofText(k.toString(), KeyType.INTEGER),
                ShardKeyValue.ofBinary(b.array(), 0, width, KeyType.INTEGER));
    }

    private static List<ShardKeyValue> textForms(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return List.of(ShardKeyValue.ofText(s, KeyType.TEXT), ShardKeyValue.ofBinary(utf8, 0, utf8.length, KeyType.TEXT));
    }

    /** Empty, every length 0..40 (each tail case of the hash), unicode of 1 to 4 UTF-8 bytes, long. */
    private static String[] textKeys() {
        List<String> keys = new ArrayList<>(List.of("", " ", "42", "héllo wörld ✓", "日本語のテキスト", "emoji 😀🎉",
                "Ωmega", "a".repeat(10_000), "x".repeat(12), "y".repeat(24)));
        for (int i = 0; i < 2000; i++) {
            int length = i < 1000 ? i % 41 : RANDOM.nextInt(300);
            StringBuilder sb = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                sb.appendCodePoint(randomCodePoint(i % 4));
            }
            keys.add(sb.toString());
        }
        return keys.toArray(String[]::new);
    }

    /** ASCII, 2-byte, 3-byte or 4-byte UTF-8; never NUL (PostgreSQL text cannot hold it) nor a surrogate. */
    private static int randomCodePoint(int utf8Length) {
        return switch (utf8Length) {
            case 0 -> 1 + RANDOM.nextInt(0x7f);
            case 1 -> 0x80 + RANDOM.nextInt(0x800 - 0x80);
            case 2 -> {
                int cp;
                do {
                    cp = 0x800 + RANDOM.nextInt(0x10000 - 0x800);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                yield cp;
            }
            default -> 0x10000 + RANDOM.nextInt(0x110000 - 0x10000);
        };
    }
}
