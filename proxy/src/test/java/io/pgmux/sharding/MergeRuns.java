package io.pgmux.sharding;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs merges for a test and checks the release discipline afterwards: every input buffer
 * released by the merger, every output buffer released once by the caller (done here).
 */
final class MergeRuns {
    private final List<ByteBuf> inputs = new ArrayList<>();
    private final List<ByteBuf> outputs = new ArrayList<>();

    /** {@code merger}'s answer to the plan of {@code sql} over {@code results}. */
    List<ByteBuf> merge(ScatterMerger merger, String sql, ScatterResult... results) {
        for (ScatterResult r : results) {
            inputs.addAll(r.messages());
        }
        List<ByteBuf> out = merger.merge(ScatterPlanner.plan(sql), List.of(results));
        outputs.addAll(out);
        return out;
    }

    /** Releases the outputs and checks that no buffer is left referenced. */
    void assertEveryBufferReleasedOnce() {
        outputs.forEach(ByteBuf::release);
        for (ByteBuf b : inputs) {
            assertEquals(0, b.refCnt(), "input buffer not released");
        }
        for (ByteBuf b : outputs) {
            assertEquals(0, b.refCnt(), "output buffer still referenced");
        }
    }
}
