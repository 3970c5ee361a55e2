package io.pgmux.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * pgjdbc on pgmux's admin console: the simple query protocol (the console's only protocol), and
 * results as column lists and rows of text keyed by column name.
 */
public final class AdminSql implements AutoCloseable {
    private final Connection connection;

    private AdminSql(Connection connection) {
        this.connection = connection;
    }

    /** Logs in to database {@code pgmux} on {@code port}. */
    public static AdminSql connect(int port, String user, String password) throws SQLException {
        return new AdminSql(DriverManager.getConnection(url(port, "pgmux"), props(user, password)));
    }

    public static String url(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?preferQueryMode=simple";
    }

    public static Properties props(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return p;
    }

    /** A result: its columns in order and its rows. */
    public record Result(List<String> columns, List<Map<String, String>> rows) {
        /** The rows whose {@code column} equals {@code value}. */
        public List<Map<String, String>> where(String column, String value) {
            return rows.stream().filter(r -> value.equals(r.get(column))).toList();
        }

        /** The only row whose {@code column} equals {@code value}; fails if there is not exactly one. */
        public Map<String, String> one(String column, String value) {
            List<Map<String, String>> found = where(column, value);
            if (found.size() != 1) {
                throw new AssertionError("expected one row with " + column + "=" + value + ", got " + found
                        + " in " + rows);
            }
            return found.get(0);
        }

        public long longValue(String keyColumn, String key, String column) {
            return Long.parseLong(one(keyColumn, key).get(column));
        }
    }

    public Result query(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return read(rs);
        }
    }

    /** Runs a command without rows (PAUSE, SET ...); returns its warnings' messages (NOTICEs). */
    public List<String> execute(String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
            List<String> notices = new ArrayList<>();
            for (var w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
            return notices;
        }
    }

    public Connection connection() {
        return connection;
    }

    static Result read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnName(i));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        while (rs.next()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns.size(); i++) {
                row.put(columns.get(i - 1), rs.getString(i));
            }
            rows.add(row);
        }
        return new Result(columns, rows);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
