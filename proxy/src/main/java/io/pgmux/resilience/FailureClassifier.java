package io.pgmux.resilience;

import io.netty.channel.ConnectTimeoutException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Which failures say something about the server, and so count against its breaker. The rule: a
 * failure counts when any client would have met it at that moment; it does not when the client's
 * own SQL, data or timing caused it, since a breaker opened by one client's bad query would shut
 * every other client out of a healthy server.
 *
 * <p>Decided case by case (PostgreSQL Appendix A):
 * <ul>
 * <li>class 08 (connection exception) counts, except 08P01 protocol_violation: PostgreSQL raises
 *     it for a client's malformed messages too (a Bind with the wrong parameter count).</li>
 * <li>57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting
 *     down, in recovery without hot standby), 57P04 database_dropped count. 57014 query_canceled
 *     does not (the client's cancel or its statement_timeout), nor 57P05 idle_session_timeout
 *     (the server's policy for an idle session, not a failure).</li>
 * <li>53000 insufficient_resources, 53100 disk_full, 53200 out_of_memory, 53300
 *     too_many_connections count: the server cannot serve anyone well. An out-of-memory can be one
 *     huge query's doing, but PostgreSQL reports it when the allocation fails, which is memory
 *     pressure every session feels. 53400 configuration_limit_exceeded does not: it is one query
 *     over a per-query limit (temp_file_limit, too many locks in one transaction).</li>
 * <li>58000 system_error and 58030 io_error count (the server's disk or OS); 58P01/58P02
 *     (undefined_file, duplicate_file) do not: a client's LOAD or CREATE EXTENSION names the file.</li>
 * <li>F0 (configuration file error) counts: the server's own configuration.</li>
 * <li>XX000 internal_error does not, nor XX001/XX002 (corrupted data or index): a client's query
 *     can trigger a server bug, and corruption hurts the queries that touch it, not the server as
 *     a whole; a breaker would turn one bad page into an outage.</li>
 * <li>Everything else does not: data (22), integrity (23), syntax and access (42), transaction
 *     state (25), serialization failures and deadlocks (40), unsupported features (0A), locks
 *     (55), program limits (54), PL/pgSQL (P0), and the rest.</li>
 * <li>At pgmux's own login to the server, class 28 (invalid_authorization_specification,
 *     28P01 invalid_password) and 3D000 invalid_catalog_name also count: the server rejects
 *     pgmux's configured credentials or database, which no client can get past.</li>
 * </ul>
 */
public final class FailureClassifier {
    private FailureClassifier() {
    }

    /** The SQLSTATE of an error from an established connection says the server cannot serve. */
    public static boolean countsAsServerFailure(String sqlState) {
        if (sqlState == null || sqlState.length() != 5) {
            return false;
        }
        return switch (sqlState) {
            case "08P01" -> false; // protocol_violation: a client's malformed message gets it too
            case "57P01", "57P02", "57P03", "57P04" -> true; // admin/crash shutdown, cannot connect now, database dropped
            case "53000", "53100", "53200", "53300" -> true; // insufficient resources, disk full, out of memory, too many connections
            case "58000", "58030" -> true; // system_error, io_error
            default -> sqlState.startsWith("08") || sqlState.startsWith("F0");
        };
    }

    /** The SQLSTATE of an error during pgmux's own login to the server counts against it. */
    public static boolean countsAsLoginFailure(String sqlState) {
        return countsAsServerFailure(sqlState) || loginRejected(sqlState);
    }

    private static boolean loginRejected(String sqlState) {
        return sqlState != null && (sqlState.startsWith("28") || sqlState.equals("3D000"));
    }

    /**
     * The kind of a server error, or empty when it does not count.
     *
     * @param atLogin the error came while pgmux logged in to the server (not on a client's behalf)
     */
    public static Optional<FailureKind> ofSqlState(String sqlState, boolean atLogin) {
        if (atLogin && loginRejected(sqlState)) {
            return Optional.of(FailureKind.LOGIN);
        }
        return countsAsServerFailure(sqlState) ? Optional.of(FailureKind.SERVER_ERROR) : Optional.empty();
    }

    /**
     * The kind of a failure without a SQLSTATE (a connect or an I/O error), or empty when it is
     * not about the server (a bug in pgmux, say). Looks through the causes: Netty wraps TLS
     * failures in a DecoderException.
     */
    public static Optional<FailureKind> ofThrowable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Optional<FailureKind> kind = direct(t);
            if (kind.isPresent()) {
                return kind;
            }
        }
        return Optional.empty();
    }

    private static Optional<FailureKind> direct(Throwable t) {
        // timeouts first: Netty's ConnectTimeoutException is a ConnectException
        if (t instanceof TimeoutException || t instanceof SocketTimeoutException || t instanceof ConnectTimeoutException
                || t instanceof io.netty.handler.timeout.TimeoutException) {
            return Optional.of(FailureKind.TIMEOUT);
        }
        if (t instanceof SSLException) {
            return Optional.of(FailureKind.TLS);
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
            return Optional.of(FailureKind.CONNECT);
        }
        if (t instanceof IOException) {
            return Optional.of(FailureKind.CONNECTION_LOST);
        }
        return Optional.empty();
    }
}
