package io.pgmux.sharding;

/**
 * An aggregate whose per-shard results combine into the single-database result: each shard
 * computes it over its rows, the merger combines the partial results.
 */
public enum MergeAggregate {
    /** count(*) or count(x): the sum of the partial counts. */
    COUNT,
    /** sum(x): the sum of the non-NULL partial sums, NULL if all are NULL. */
    SUM,
    /** min(x): the least non-NULL partial minimum. */
    MIN,
    /** max(x): the greatest non-NULL partial maximum. */
    MAX;

    /** The function for a lower-case SQL name, or null if it does not merge this way. */
    static MergeAggregate named(String lowerCaseName) {
        return switch (lowerCaseName) {
            case "count" -> COUNT;
            case "sum" -> SUM;
            case "min" -> MIN;
            case "max" -> MAX;
            default -> null;
        };
    }

    String sqlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
