package io.pgmux.sharding;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ShardResolverTest {
    private final ShardResolver modulo = new ShardResolver(ModuloShard.INSTANCE, KeyType.INTEGER, 4);
    private final ShardResolver.Params params = (index, type) ->
            index <= 3 ? ShardKeyValue.ofText(String.valueOf(index * 4 + 1), type) : null;

    @Test
    void literalsAndParametersResolveToOneShard() {
        assertEquals(1, modulo.shardOf(List.of(new KeyRef.Literal("5"), new KeyRef.Param(2)), params));
        assertEquals(3, modulo.shardOf(List.of(new KeyRef.Literal("-1")), ShardResolver.NO_PARAMS));
    }

    @Test
    void severalShardsOrUnreadableKeys() {
        assertEquals(ShardResolver.SEVERAL, modulo.shardOf(List.of(new KeyRef.Literal("1"), new KeyRef.Literal("2")), params));
        assertEquals(ShardResolver.UNKNOWN, modulo.shardOf(List.of(new KeyRef.Literal("1"), new KeyRef.Param(9)), params));
        assertEquals(ShardResolver.UNKNOWN, modulo.shardOf(List.of(new KeyRef.Literal("x")), params));
        assertThrows(IllegalArgumentException.class, () -> new ShardResolver(PgHash.INSTANCE, KeyType.TEXT, 0));
    }

    @Test
    void pgHashOfALiteralMatchesTheValue() {
        ShardResolver hash = new ShardResolver(PgHash.INSTANCE, KeyType.INTEGER, 3);
        assertEquals(0, hash.shardOf(new KeyRef.Literal("42"), ShardResolver.NO_PARAMS)); // PostgreSQL: remainder 0
    }
}
