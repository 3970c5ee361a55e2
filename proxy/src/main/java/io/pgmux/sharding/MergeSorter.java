package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges rows that each shard returned sorted into one sorted stream (a k-way merge), keeping the
 * LIMIT/OFFSET window. Rows of equal keys come in shard order. It also checks that each shard's
 * rows really are in the order the merger compares by: if a shard sorted differently (another
 * collation, another DateStyle) the merge is refused instead of returning a misordered result.
 */
final class MergeSorter {
    private MergeSorter() {
    }

    /** One shard's rows and the position of the next one. */
    private static final class Cursor {
        final int shard;
        final List<ByteBuf> rows;
        int next;
        Comparable<?>[] key;

        Cursor(int shard, List<ByteBuf> rows) {
            this.shard = shard;
            this.rows = rows;
        }
    }

    /**
     * The rows of the merged window, as the very buffers of {@code shardRows}; the buffers are
     * neither retained nor released (the caller releases those not returned).
     *
     * @param shardRows per shard, its DataRows in its order
     * @param shards    the shard labels, for errors
     */
    static List<ByteBuf> merge(List<List<ByteBuf>> shardRows, List<String> shards, MergeRowOrder order,
                               MergeLimit limit) {
        PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> {
            int c = order.compare(a.key, b.key);
            return c != 0 ? c : Integer.compare(a.shard, b.shard);
        });
        for (int i = 0; i < shardRows.size(); i++) {
            Cursor cursor = new Cursor(i, shardRows.get(i));
            if (advance(cursor, order, shards)) {
                queue.add(cursor);
            }
        }
        List<ByteBuf> out = new ArrayList<>();
        long skipped = 0;
        while (!queue.isEmpty() && out.size() < limit.count()) {
            Cursor cursor = queue.poll();
            ByteBuf row = cursor.rows.get(cursor.next - 1);
            if (skipped < limit.offset()) {
                skipped++;
            } else {
                out.add(row);
            }
            if (advance(cursor, order, shards)) {
                queue.add(cursor);
            }
        }
        return out;
    }

    /** Moves to the cursor's next row; false when there is none. */
    private static boolean advance(Cursor cursor, MergeRowOrder order, List<String> shards) {
        if (cursor.next >= cursor.rows.size()) {
            return false;
        }
        Comparable<?>[] key = order.key(cursor.rows.get(cursor.next));
        if (cursor.key != null && order.compare(cursor.key, key) > 0) {
            throw new MergeException("shard " + shards.get(cursor.shard)
                    + " returned rows out of the merge order (does it sort text or dates differently?)");
        }
        cursor.key = key;
        cursor.next++;
        return true;
    }
}
