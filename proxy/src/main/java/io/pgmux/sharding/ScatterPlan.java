package io.pgmux.sharding;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.SqlState;

import java.util.List;

/**
 * How the results of a SELECT run on every shard merge into the result of the same SELECT on one
 * database holding all rows. Made by {@link ScatterPlanner}, carried out by {@link ScatterMerger}.
 * Every plan but {@link Unmergeable} names the SQL to send to the shards, which may differ from
 * the client's (LIMIT/OFFSET are rewritten).
 */
public sealed interface ScatterPlan {

    /** A plan the merger can carry out. */
    sealed interface Mergeable extends ScatterPlan {
        /** The SQL to send to every shard instead of the client's. */
        String shardSql();
    }

    /**
     * Rows concatenated in shard order, then {@code limit} applied. Without ORDER BY the client
     * asked for no order, and LIMIT takes any rows, so any shard's rows are as good as another's.
     */
    record Concat(String shardSql, MergeLimit limit) implements Mergeable {
    }

    /**
     * Each shard returns its rows sorted by {@code keys}; the merger merges the sorted streams,
     * then applies {@code limit}.
     */
    record Sorted(String shardSql, List<MergeSortKey> keys, MergeLimit limit) implements Mergeable {
        public Sorted {
            keys = List.copyOf(keys);
        }
    }

    /**
     * A select list of plain aggregates only, no GROUP BY: each shard returns one row of partial
     * results, combined column by column.
     */
    record Aggregate(String shardSql, List<MergeAggregate> functions) implements Mergeable {
        public Aggregate {
            functions = List.copyOf(functions);
        }
    }

    /** The statement cannot be answered correctly by merging shard results; {@code reason} says why. */
    record Unmergeable(String reason) implements ScatterPlan {
        /** The error to send the client instead of running the statement. */
        public PgError toError() {
            return PgError.error(SqlState.FEATURE_NOT_SUPPORTED, reason);
        }
    }
}
