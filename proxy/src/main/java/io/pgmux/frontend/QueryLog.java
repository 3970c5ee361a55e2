package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.config.LogConfig;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The per-query log ({@code log.queries}) and the slow-query log ({@code log.slow_query_threshold}):
 * one line per request batch, that is what the server ran between two ReadyForQuery, with its
 * duration, user, database and client. The SQL is cut at {@link #MAX_BYTES} and string literals
 * after {@code PASSWORD} are masked, so {@code ALTER ROLE ... PASSWORD '...'} never reaches a log.
 */
final class QueryLog {
    private static final Logger LOG = Logger.getLogger("io.pgmux.query");
    /** Enough to recognise a statement; a multi-megabyte INSERT is not worth copying into the log. */
    static final int MAX_BYTES = 2048;
    /**
     * {@code PASSWORD} followed by a literal: {@code '...'} (with {@code ''} inside), {@code E'...'}
     * (with backslash escapes) or {@code $tag$...$tag$}; a literal cut by {@link #MAX_BYTES} runs to the end.
     */
    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?is)(\\bpassword\\s*(?:=\\s*)?)"
            + "(?:E'(?:[^'\\\\]|\\\\.|'')*(?:'|$)|'(?:[^']|'')*(?:'|$)|(\\$[A-Za-z_0-9]*\\$).*?(?:\\2|$))");
    private static final String UNKNOWN_SQL = "(statement prepared earlier)";

    private QueryLog() {
    }

    /** The C string at {@code from} (before {@code to}), cut at {@link #MAX_BYTES} bytes. */
    static String text(ByteBuf buf, int from, int to) {
        int limit = Math.min(to, from + MAX_BYTES);
        int nul = buf.indexOf(from, limit, (byte) 0);
        int end = nul < 0 ? limit : nul;
        return buf.toString(from, end - from, StandardCharsets.UTF_8);
    }

    /** Masks passwords in role statements: {@code PASSWORD 'secret'} becomes {@code PASSWORD '***'}. */
    static String mask(String sql) {
        return PASSWORD_LITERAL.matcher(sql).replaceAll("$1'***'");
    }

    /** As {@link #log(ClientSession, String, long, LogConfig)}, decoding the kept SQL only if a line is written. */
    static void log(ClientSession session, long nanos, LogConfig config, SessionSql kept) {
        long threshold = config.slowQueryThreshold().toNanos();
        if (config.queries() || (threshold > 0 && nanos >= threshold)) {
            log(session, kept.loggedSql(), nanos, config);
        }
    }

    /** Logs the batch if query logging is on or it ran at least the slow-query threshold. */
    static void log(ClientSession session, String sql, long nanos, LogConfig config) {
        long threshold = config.slowQueryThreshold().toNanos();
        boolean slow = threshold > 0 && nanos >= threshold;
        if (!slow && !config.queries()) {
            return;
        }
        Level level = slow ? Level.WARNING : Level.INFO;
        if (!LOG.isLoggable(level)) {
            return;
        }
        String shown = sql == null ? UNKNOWN_SQL : oneLine(mask(sql));
        String where = session.user() + "@" + session.database() + " from " + session.clientChannel().remoteAddress();
        String took = String.format("%.3f ms", nanos / 1e6);
        if (slow) {
            LOG.log(level, "slow query (" + took + ", threshold " + TimeUnit.NANOSECONDS.toMillis(threshold)
                    + " ms) " + where + ": " + shown);
        } else {
            LOG.log(level, "query (" + took + ") " + where + ": " + shown);
        }
    }

    private static String oneLine(String sql) {
        return sql.strip().replaceAll("\\s+", " ");
    }
}
