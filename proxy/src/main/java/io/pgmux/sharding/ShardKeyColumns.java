package io.pgmux.sharding;

import java.util.Map;

/**
 * Which column holds the shard key: the column configured for a table ({@code tables:}), else
 * {@code default_column:} (null when there is none). Names are compared as PostgreSQL stores them:
 * an unquoted name in SQL is folded to lower case first, so configure {@code orders}, not
 * {@code Orders}, unless the table was created with a quoted mixed-case name. A configured table
 * may be schema-qualified ({@code sales.orders}); an unqualified one matches in every schema.
 */
public record ShardKeyColumns(Map<String, String> tables, String defaultColumn) {
    public ShardKeyColumns {
        tables = Map.copyOf(tables);
    }

    /** The key column of table {@code name} in {@code schema} (null when not qualified). */
    public String columnFor(String schema, String name) {
        if (schema != null) {
            String qualified = tables.get(schema + "." + name);
            if (qualified != null) {
                return qualified;
            }
        }
        String column = tables.get(name);
        return column != null ? column : defaultColumn;
    }
}
