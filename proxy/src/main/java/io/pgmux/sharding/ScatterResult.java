package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Objects;

/**
 * What one shard answered to a scattered statement, for {@link ScatterMerger}.
 *
 * @param shard    the shard's label, named in errors ("on shard {@code shard}")
 * @param messages the backend messages for the one statement, in order, each buffer holding exactly
 *                 one whole message from its reader index (type byte first); for example
 *                 RowDescription, DataRow*, CommandComplete, or ParseComplete, BindComplete,
 *                 RowDescription, DataRow*, CommandComplete; or up to an ErrorResponse. The merger
 *                 owns one reference of each.
 */
public record ScatterResult(String shard, List<ByteBuf> messages) {
    public ScatterResult {
        Objects.requireNonNull(shard, "shard");
        messages = List.copyOf(messages);
    }
}
