package io.pgmux.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A result set as the admin console sends it: column names and rows of text values (a null value
 * is SQL NULL). Every column is sent as type {@code text}, as PgBouncer does.
 *
 * @param columns the column names, in order
 * @param rows    the rows; each has one value per column
 */
public record ResultTable(List<String> columns, List<List<String>> rows) {

    public ResultTable {
        columns = List.copyOf(columns);
        List<List<String>> copy = new ArrayList<>(rows.size());
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + row.size() + " values for " + columns.size() + " columns");
            }
            copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = List.copyOf(copy);
    }

    /** Builds a table row by row. */
    static Builder builder(String... columns) {
        return new Builder(Arrays.asList(columns));
    }

    /** The value of {@code column} in row {@code row}, for tests and tools. */
    public String value(int row, String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + column);
        }
        return rows.get(row).get(i);
    }

    static final class Builder {
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        private Builder(List<String> columns) {
            this.columns = columns;
        }

        /** Adds a row; values are turned into text with {@link String#valueOf}, null stays NULL. */
        Builder row(Object... values) {
            List<String> row = new ArrayList<>(values.length);
            for (Object v : values) {
                row.add(v == null ? null : Objects.toString(v));
            }
            rows.add(row);
            return this;
        }

        ResultTable build() {
            return new ResultTable(columns, rows);
        }
    }
}
