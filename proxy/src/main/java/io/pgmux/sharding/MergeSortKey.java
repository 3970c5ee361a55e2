package io.pgmux.sharding;

import java.util.List;

/**
 * One ORDER BY item of a scattered statement, as an output column the merger compares.
 *
 * @param column     which output column
 * @param descending DESC
 * @param nullsFirst where NULLs go (PostgreSQL's default: last for ASC, first for DESC)
 */
public record MergeSortKey(Column column, boolean descending, boolean nullsFirst) {

    /** An output column, found in the RowDescription at merge time. */
    public sealed interface Column {
        /**
         * The 0-based index of this column among {@code fieldNames} (the RowDescription's).
         *
         * @throws MergeException when there is no such column
         */
        int resolve(List<String> fieldNames);
    }

    /** {@code ORDER BY 2}: the 1-based output column number. */
    public record Position(int number) implements Column {
        @Override
        public int resolve(List<String> fieldNames) {
            if (number < 1 || number > fieldNames.size()) {
                throw new MergeException("ORDER BY position " + number + " is not in the select list");
            }
            return number - 1;
        }
    }

    /**
     * {@code ORDER BY name}: as PostgreSQL reads a bare name, the output column of that name (the
     * first: a shard that ran the query found them unambiguous), else the select-list item that is
     * exactly that input column ({@code fallbackPosition}, 1-based, 0 if none).
     */
    public record Named(String name, int fallbackPosition) implements Column {
        @Override
        public int resolve(List<String> fieldNames) {
            int at = fieldNames.indexOf(name);
            if (at >= 0) {
                return at;
            }
            if (fallbackPosition > 0 && fallbackPosition <= fieldNames.size()) {
                return fallbackPosition - 1;
            }
            throw new MergeException("cannot merge ORDER BY " + name
                    + " across shards: it is not an output column; add it to the select list");
        }
    }
}
