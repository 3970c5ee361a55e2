package io.pgmux.sharding;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ShardKeyValueTest {

    private static ShardKeyValue integer(String s) {
        return ShardKeyValue.ofText(s, KeyType.INTEGER);
    }

    @Test
    void integersReadLikeInt8In() {
        assertEquals(new ShardKeyValue.IntegerKey(42), integer(" 42 "));
        assertEquals(new ShardKeyValue.IntegerKey(-42), integer("-42"));
        assertEquals(new ShardKeyValue.IntegerKey(42), integer("+42"));
        assertEquals(new ShardKeyValue.IntegerKey(1_000_000), integer("1_000_000"));
        assertEquals(new ShardKeyValue.IntegerKey(255), integer("0xFF"));
        assertEquals(new ShardKeyValue.IntegerKey(-8), integer("-0o10"));
        assertEquals(new ShardKeyValue.IntegerKey(5), integer("0b101"));
        assertEquals(new ShardKeyValue.IntegerKey(Long.MAX_VALUE), integer("9223372036854775807"));
        assertEquals(new ShardKeyValue.IntegerKey(Long.MIN_VALUE), integer("-9223372036854775808"));
    }

    @Test
    void malformedIntegersAreRejected() {
        for (String bad : new String[] {"", " ", "-", "4 2", "42.0", "1e3", "9223372036854775808",
                "-9223372036854775809", "1__0", "_1", "1_", "0x", "abc", "٤٢"}) {
            assertNull(integer(bad), bad);
        }
    }

    @Test
    void uuidsInEveryAcceptedSpelling() {
        ShardKeyValue expected = new ShardKeyValue.UuidKey(0xa0eebc999c0b4ef8L, 0xbb6d6bb9bd380a11L);
        for (String s : new String[] {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
                "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}"}) {
            assertEquals(expected, ShardKeyValue.ofText(s, KeyType.UUID), s);
        }
        for (String bad : new String[] {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "-a0eebc999c0b4ef8bb6d6bb9bd380a11",
                "a0eebc999c0b4ef8bb6d6bb9bd380a11-", "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
                "a0eebc999c0b4ef8bb6d6bb9bd380a11aa", "g0eebc999c0b4ef8bb6d6bb9bd380a11"}) {
            assertNull(ShardKeyValue.ofText(bad, KeyType.UUID), bad);
        }
    }

    @Test
    void binaryLengthsMustFitTheType() {
        assertNull(ShardKeyValue.ofBinary(new byte[3], 0, 3, KeyType.INTEGER));
        assertNull(ShardKeyValue.ofBinary(new byte[15], 0, 15, KeyType.UUID));
        assertEquals(new ShardKeyValue.TextKey("é"), ShardKeyValue.ofBinary(new byte[] {'x', (byte) 0xc3, (byte) 0xa9}, 1, 2, KeyType.TEXT));
    }
}
