package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Merges the shards' answers to one scattered SELECT into the answer the client would have had
 * from one database holding all rows, following a {@link ScatterPlan}.
 *
 * <p>The answer is the first shard's message sequence (ParseComplete, BindComplete, ... as the
 * protocol used needs them) with its RowDescription, the merged DataRows and {@code SELECT n}
 * as CommandComplete; notices of all shards come first. If any shard failed, the answer is the
 * first failing shard's messages up to its ErrorResponse, which names the shard; if the results
 * cannot be merged correctly (different columns, a type the merger cannot compare...) it is an
 * ErrorResponse saying why. Never a wrong answer.
 *
 * <p>Buffers: {@link #merge} takes ownership of every message buffer of its input and returns
 * buffers the caller owns (one reference each, to write and forget). DataRows that pass through
 * unchanged (concatenated or merge-sorted) are the input buffers themselves, not copies; only the
 * sort columns are decoded. Everything not returned is released.
 *
 * <p>Holds no state between calls; safe to share.
 */
public final class ScatterMerger {
    private final ByteBufAllocator alloc;
    private final boolean textOrderIsCodePoint;

    /**
     * @param alloc                for the messages the merger writes
     * @param textOrderIsCodePoint whether every shard orders text in byte (code point) order, as
     *                             the "C" collation does, for every text column the queries sort by
     *                             or take min/max of; when false such queries are refused
     */
    public ScatterMerger(ByteBufAllocator alloc, boolean textOrderIsCodePoint) {
        this.alloc = alloc;
        this.textOrderIsCodePoint = textOrderIsCodePoint;
    }

    /**
     * The client's messages for {@code results}, the shards' answers to {@code plan}'s shard SQL
     * (one {@link ScatterResult} per shard, in a fixed shard order).
     */
    public List<ByteBuf> merge(ScatterPlan plan, List<ScatterResult> results) {
        List<ByteBuf> out = new ArrayList<>();
        try {
            mergeInto(plan, results, out);
        } catch (RuntimeException | Error e) {
            releaseAll(results, Set.of());
            out.forEach(ByteBuf::release);
            throw e;
        }
        Set<ByteBuf> passed = Collections.newSetFromMap(new IdentityHashMap<>());
        passed.addAll(out);
        releaseAll(results, passed);
        return out;
    }

    private void mergeInto(ScatterPlan plan, List<ScatterResult> results, List<ByteBuf> out) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no shard results");
        }
        if (plan instanceof ScatterPlan.Unmergeable unmergeable) {
            out.add(BackendMessages.errorResponse(alloc, unmergeable.toError()));
            return;
        }
        List<ScatterStream> streams = new ArrayList<>();
        try {
            for (ScatterResult result : results) {
                streams.add(ScatterStream.of(result));
            }
        } catch (MergeException e) {
            out.add(error(e));
            return;
        }
        for (ScatterStream stream : streams) {
            if (stream.error() != null) {
                out.addAll(stream.framingBefore(stream.error()));
                out.add(MergeErrors.labelled(alloc, stream.error(), stream.shard()));
                return;
            }
        }
        ScatterStream first = streams.get(0);
        List<ByteBuf> rows;
        try {
            rows = mergedRows(plan, streams);
        } catch (MergeException e) {
            out.addAll(first.framingBefore(first.rowDescription() != null ? first.rowDescription() : first.complete()));
            out.add(error(e));
            return;
        }
        streams.forEach(s -> out.addAll(s.notices()));
        for (ByteBuf msg : first.framing()) {
            if (msg == first.complete()) {
                out.addAll(rows);
                ByteBuf complete = alloc.buffer(32);
                BackendMessages.writeCommandComplete(complete, "SELECT " + rows.size());
                out.add(complete);
            } else {
                out.add(msg);
            }
        }
    }

    /** The merged DataRows: input buffers, or for aggregates one new buffer. */
    private List<ByteBuf> mergedRows(ScatterPlan plan, List<ScatterStream> streams) {
        RowShape shape = commonShape(streams);
        List<List<ByteBuf>> rows = new ArrayList<>();
        for (ScatterStream s : streams) {
            s.checkComplete();
            rows.add(s.rows());
        }
        if (plan instanceof ScatterPlan.Concat concat) {
            return window(rows, concat.limit());
        }
        if (plan instanceof ScatterPlan.Sorted sorted) {
            MergeRowOrder order = MergeRowOrder.of(sorted.keys(), required(shape), textOrderIsCodePoint);
            return MergeSorter.merge(rows, streams.stream().map(ScatterStream::shard).toList(), order, sorted.limit());
        }
        return List.of(aggregateRow((ScatterPlan.Aggregate) plan, required(shape), rows));
    }

    /** The shards' common RowDescription columns, null if none sent one. */
    private static RowShape commonShape(List<ScatterStream> streams) {
        RowShape shape = null;
        for (int i = 0; i < streams.size(); i++) {
            ScatterStream s = streams.get(i);
            if ((s.rowDescription() == null) != (streams.get(0).rowDescription() == null)) {
                throw new MergeException("shards answered differently: RowDescription from some only");
            }
            if (s.rowDescription() == null) {
                continue;
            }
            RowShape own = RowShape.parse(s.rowDescription());
            if (shape != null && !shape.sameColumnsAs(own)) {
                throw new MergeException("shards " + streams.get(0).shard() + " and " + s.shard()
                        + " returned different columns (names, types or formats)");
            }
            shape = shape == null ? own : shape;
        }
        return shape;
    }

    private static RowShape required(RowShape shape) {
        if (shape == null) {
            throw new MergeException("cannot merge without a RowDescription; Describe the portal on every shard");
        }
        return shape;
    }

    /** Concatenated rows within the LIMIT/OFFSET window. */
    private static List<ByteBuf> window(List<List<ByteBuf>> rows, MergeLimit limit) {
        List<ByteBuf> out = new ArrayList<>();
        long skipped = 0;
        for (List<ByteBuf> shardRows : rows) {
            for (ByteBuf row : shardRows) {
                if (out.size() >= limit.count()) {
                    return out;
                }
                if (skipped < limit.offset()) {
                    skipped++;
                } else {
                    out.add(row);
                }
            }
        }
        return out;
    }

    private ByteBuf aggregateRow(ScatterPlan.Aggregate plan, RowShape shape, List<List<ByteBuf>> rows) {
        List<ByteBuf> partials = new ArrayList<>();
        for (List<ByteBuf> shardRows : rows) {
            if (shardRows.size() != 1) {
                throw new MergeException("an aggregate without GROUP BY returned " + shardRows.size() + " rows");
            }
            partials.add(shardRows.get(0));
        }
        return RowValues.dataRow(alloc, MergeAggregator.combine(plan.functions(), shape, partials, textOrderIsCodePoint));
    }

    private ByteBuf error(MergeException e) {
        return BackendMessages.errorResponse(alloc, PgError.error(SqlState.FEATURE_NOT_SUPPORTED, e.getMessage()));
    }

    private static void releaseAll(List<ScatterResult> results, Set<ByteBuf> keep) {
        for (ScatterResult result : results) {
            for (ByteBuf msg : result.messages()) {
                if (!keep.contains(msg)) {
                    msg.release();
                }
            }
        }
    }
}
