package io.pgmux.it.support;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** What a pgjdbc {@link SQLException} says, as the server (here: pgmux) sent it. */
public final class PgErrors {
    private PgErrors() {
    }

    /** The primary message field ('M') of the ErrorResponse, or the exception message when there is none. */
    public static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            if (m != null && m.getMessage() != null) {
                return m.getMessage();
            }
        }
        return e.getMessage();
    }

    /** The severity field ('S'), or null for errors pgjdbc raised itself (I/O errors). */
    public static String severity(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getSeverity();
        }
        return null;
    }

    /** "SQLSTATE message" for assertion messages. */
    public static String describe(SQLException e) {
        return e.getSQLState() + " " + e.getMessage();
    }
}
