package io.pgmux.it;

import io.pgmux.it.support.Pgmux;
import io.pgmux.it.support.PgmuxSetup;
import io.pgmux.it.support.SharedPostgres;
import io.pgmux.it.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pgjdbc CRUD and transactions through pgmux in transaction mode. */
class BasicCrudIT {
    static TestPostgres pg;
    static Pgmux pgmux;

    @BeforeAll
    static void start() {
        pg = SharedPostgres.get();
        pg.createRole("app", "app");
        pg.createDatabase("crud", "app");
        pg.sql("crud", "CREATE TABLE IF NOT EXISTS items(id int primary key, name text)", "TRUNCATE items");
        pg.sql("crud", "GRANT ALL ON items TO app");
        pgmux = PgmuxSetup.of(pg, "crud", "app").pool("{ mode: transaction, size: 4 }").start();
    }

    @AfterAll
    static void stop() {
        pgmux.close();
    }

    @Test
    void insertSelectUpdateDelete() throws SQLException {
        try (Connection c = pgmux.connect("crud", "app", "app")) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items VALUES (?, ?)")) {
                for (int i = 1; i <= 10; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item " + i);
                    assertEquals(1, ps.executeUpdate());
                }
            }
            try (Statement st = c.createStatement()) {
                assertEquals(1, st.executeUpdate("UPDATE items SET name = 'changed' WHERE id = 3"));
                try (ResultSet rs = st.executeQuery("SELECT count(*), sum(id) FROM items")) {
                    assertTrue(rs.next());
                    assertEquals(10, rs.getInt(1));
                    assertEquals(55, rs.getInt(2));
                }
                try (ResultSet rs = st.executeQuery("SELECT name FROM items WHERE id = 3")) {
                    assertTrue(rs.next());
                    assertEquals("changed", rs.getString(1));
                }
                assertEquals(10, st.executeUpdate("DELETE FROM items"));
            }
        }
    }

    @Test
    void transactionsCommitAndRollBack() throws SQLException {
        try (Connection c = pgmux.connect("crud", "app", "app"); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO items VALUES (100, 'kept')");
            c.commit();
            st.executeUpdate("INSERT INTO items VALUES (101, 'gone')");
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = st.executeQuery("SELECT string_agg(name, ',' ORDER BY id) FROM items WHERE id >= 100")) {
                assertTrue(rs.next());
                assertEquals("kept", rs.getString(1));
            }
            st.executeUpdate("DELETE FROM items WHERE id >= 100");
        }
    }

    @Test
    void errorsKeepTheConnectionUsable() throws SQLException {
        try (Connection c = pgmux.connect("crud", "app", "app"); Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT * FROM no_such_table"));
            assertEquals("42P01", e.getSQLState());
            c.setAutoCommit(false);
            assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1/0"));
            SQLException aborted = assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1"));
            assertEquals("25P02", aborted.getSQLState());
            c.rollback();
            try (ResultSet rs = st.executeQuery("SELECT 42")) {
                assertTrue(rs.next());
                assertEquals(42, rs.getInt(1));
                assertFalse(rs.next());
            }
        }
    }
}
