package io.pgmux.sharding;

/**
 * Where a shard key's value is: written in the SQL, or a parameter whose value comes later in the
 * Bind message of the extended protocol. Read either with {@link ShardKeyValue#ofText} (a literal;
 * a text-format parameter) or {@link ShardKeyValue#ofBinary} (a binary-format parameter).
 */
public sealed interface KeyRef {

    /** A literal, unquoted and unescaped ({@code '4''2'} is {@code 4'2}; {@code -5} keeps its sign). */
    record Literal(String text) implements KeyRef {
    }

    /** Parameter {@code $index}, counted from 1 as in the SQL. */
    record Param(int index) implements KeyRef {
    }
}
