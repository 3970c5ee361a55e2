package io.pgmux.sharding;

/**
 * LIMIT/OFFSET (or OFFSET/FETCH FIRST) of a scattered statement, applied by the merger after the
 * shards' results are merged.
 *
 * @param offset rows to skip, 0 for none
 * @param count  rows to return after the offset, {@link #ALL} for no limit
 */
public record MergeLimit(long offset, long count) {
    public static final long ALL = Long.MAX_VALUE;
    public static final MergeLimit NONE = new MergeLimit(0, ALL);

    public MergeLimit {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("negative LIMIT or OFFSET");
        }
    }

    public boolean isNone() {
        return offset == 0 && count == ALL;
    }

    /**
     * The rows each shard must return so that the merged first {@code offset + count} rows are
     * right: any row of the merged window is among its own shard's first {@code offset + count}.
     */
    long perShard() {
        return count == ALL ? ALL : offset + count;
    }
}
