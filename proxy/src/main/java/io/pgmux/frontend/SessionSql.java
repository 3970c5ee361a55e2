package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.backend.ServerConnection;
import io.pgmux.config.SessionStatePolicy;
import io.pgmux.pool.PoolSettings;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.SyntheticResponse;
import io.pgmux.protocol.Wire;
import io.pgmux.routing.PinReason;
import io.pgmux.routing.SessionEffect;
import io.pgmux.routing.SessionStateClassifier;
import io.pgmux.routing.SqlLexer;
import io.pgmux.routing.SqlPeek;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What a session reads in its client's SQL (Query and Parse messages): named-statement handling
 * ({@link StatementRewriter}), session state that pins the client to its server
 * ({@link SessionStateClassifier}), RESETs of tracked settings, and the text kept for the query log.
 * {@link SqlPeek} looks at the bytes first, so a plain statement costs no String.
 */
final class SessionSql {
    private static final Logger LOG = Logger.getLogger(SessionSql.class.getName());

    /** What PostgreSQL answers to DEALLOCATE: CommandComplete then ReadyForQuery. */
    static final SyntheticResponse DEALLOCATE_ANSWER = SyntheticResponse.commandComplete("DEALLOCATE");

    private final ClientSession session;
    /** Named-statement handling; null in session mode or with max_prepared_statements 0. */
    private final StatementRewriter rewriter;
    /** Session-state detection; null in session mode or with on_session_state: ignore. */
    private final SessionStateClassifier classifier;
    private final SessionStatePolicy policy;
    private final EnumSet<PinReason> pins = EnumSet.noneOf(PinReason.class);
    private volatile String pinnedBy = "";
    /** A DISCARD ALL or DEALLOCATE ALL is on its way: read CommandComplete tags until ReadyForQuery. */
    private boolean watchTags;
    /** Tracked settings a RESET sent to the server will return to the client's startup values. */
    private Set<String> resets;
    /** Settings (lower case, or "all") a RESET/DISCARD sent to the server returns to the server's defaults. */
    private Set<String> serverResets;
    /** SQL of the first request of a busy period, for the query log (only while logging is on). */
    private byte[] loggedSql;
    private int loggedLength = -1;

    SessionSql(ClientSession session, PoolSettings settings) {
        this.session = session;
        this.policy = settings.onSessionState();
        this.rewriter = settings.multiplexed() && settings.maxPreparedStatements() > 0
                ? new StatementRewriter(session, settings.maxClientPreparedStatements()) : null;
        this.classifier = settings.multiplexed() && policy != SessionStatePolicy.IGNORE
                ? new SessionStateClassifier(settings.trackedParameters()) : null;
    }

    StatementRewriter rewriter() {
        return rewriter;
    }

    /** A Query on its way to {@code server}. Returns true when pgmux answered or refused it instead. */
    boolean onQuery(ServerConnection server, ByteBuf buf, int offset, int length, ServerWriter out) {
        int from = offset + MessageTypes.HEADER_LENGTH;
        int to = offset + length;
        noteForLog(buf, from, to);
        int flags = SqlPeek.peek(buf, from, to);
        if (flags == 0) {
            return false;
        }
        String sql = Wire.readCString(buf, from, to);
        if (rewriter != null && (flags & SqlPeek.STATEMENTS) != 0) {
            if (rewriter.deallocate(sql)) {
                server.ledger().addSynthetic(ResponseLedger.QUERY, DEALLOCATE_ANSWER);
                session.emitSynthetic(server);
                return true;
            }
            watchTags = true;
        }
        if ((flags & SqlPeek.RESET) != 0) {
            noteResets(sql);
        }
        return (flags & SqlPeek.SESSION_STATE) != 0 && checkSessionState(server, sql, out, true);
    }

    /** The query of a Parse on its way to {@code server}; true when refused. */
    boolean onParse(ServerConnection server, ByteBuf buf, int offset, int length, ServerWriter out) {
        int queryStart = Wire.cStringEnd(buf, offset + MessageTypes.HEADER_LENGTH, offset + length) + 1;
        noteForLog(buf, queryStart, offset + length);
        int flags = SqlPeek.peek(buf, queryStart, offset + length);
        if (flags == 0) {
            return false;
        }
        String sql = Wire.readCString(buf, queryStart, offset + length);
        if (rewriter != null && (flags & SqlPeek.STATEMENTS) != 0) {
            String name = DeallocateCommand.statementName(sql);
            if (name != null && rewriter.deallocateByParse(server, buf, offset, length, name, out)) {
                return true;
            }
            watchTags = true;
        }
        if ((flags & SqlPeek.RESET) != 0) {
            noteResets(sql);
        }
        return (flags & SqlPeek.SESSION_STATE) != 0 && checkSessionState(server, sql, out, false);
    }

    /** With no server: a DEALLOCATE of the client's own statement needs none. Returns true when answered. */
    boolean answerWithoutServer(ByteBuf buf, int offset, int length) {
        if (rewriter == null || rewriter.statements().size() == 0
                || (SqlPeek.peek(buf, offset + 5, offset + length) & SqlPeek.STATEMENTS) == 0) {
            return false;
        }
        return rewriter.deallocate(Wire.readCString(buf, offset + 5, offset + length))
                && session.answerLocally(DEALLOCATE_ANSWER);
    }

    /** True when a Parse's SQL creates or clears session state: it must then be parsed on a server. */
    boolean parseNeedsServer(ByteBuf buf, int offset, int length) {
        if (classifier == null) {
            return false;
        }
        int queryStart = Wire.cStringEnd(buf, offset + MessageTypes.HEADER_LENGTH, offset + length) + 1;
        return (SqlPeek.peek(buf, queryStart, offset + length) & (SqlPeek.SESSION_STATE | SqlPeek.RESET)) != 0;
    }

    private boolean checkSessionState(ServerConnection server, String sql, ServerWriter out, boolean simpleQuery) {
        if (classifier == null) {
            return false;
        }
        SessionEffect effect = classifier.classify(sql);
        if (effect.isNone()) {
            return false;
        }
        if (!effect.adds().isEmpty() && policy == SessionStatePolicy.ERROR) {
            ErrorInjection.inject(server, out, PgError.error(SqlState.FEATURE_NOT_SUPPORTED,
                    effect.statement() + " creates session state, which transaction pooling does not keep"
                            + " (on_session_state: error)")
                    .withHint("use a session-mode database for this client, or on_session_state: pin"), simpleQuery);
            return true;
        }
        pins.removeAll(effect.clears());
        if (pins.isEmpty()) {
            pinnedBy = "";
        }
        if (!effect.adds().isEmpty()) {
            if (pins.isEmpty()) {
                pinnedBy = effect.statement();
                LOG.fine(() -> session + " pinned to its server connection by " + effect.statement());
            }
            pins.addAll(effect.adds());
        }
        return false;
    }

    /** RESET name, RESET ALL, DISCARD ALL, SET name TO DEFAULT: which tracked settings go back. */
    private void noteResets(String sql) {
        List<SqlLexer.Token> t = SqlLexer.tokens(sql);
        ClientParameters parameters = session.parameters();
        for (int i = 0; i < t.size(); i++) {
            if (i > 0 && t.get(i - 1).kind() != SqlLexer.Kind.SEMICOLON) {
                continue;
            }
            String setting = null;
            if (t.get(i).isWord("reset") && i + 1 < t.size()) {
                setting = t.get(i + 1).text().toLowerCase(java.util.Locale.ROOT);
            } else if (t.get(i).isWord("discard") && i + 1 < t.size() && t.get(i + 1).isWord("all")) {
                setting = "all";
            } else if (t.get(i).isWord("set") && i + 3 < t.size() && t.get(i + 3).isWord("default")) {
                setting = t.get(i + 1).text().toLowerCase(java.util.Locale.ROOT);
            }
            if (setting != null) {
                if (resets == null) {
                    resets = new HashSet<>();
                    serverResets = new HashSet<>();
                }
                resets.addAll(parameters.trackedNames(setting));
                serverResets.add(setting);
            }
        }
    }

    /**
     * The value the client must be told for {@code name} when the server reports one: while a RESET
     * of it is pending, the client's startup value (PostgreSQL's RESET returns to it; the server,
     * whose settings pgmux applied with set_config, returns to its own default). Null otherwise.
     */
    String restoredValue(String name) {
        return resets != null && resets.contains(name) ? session.parameters().startupValue(name) : null;
    }

    /**
     * The server answered everything sent: noted RESETs take the client's startup values back (the
     * next sync applies them). Returns true when that changed what the client expects.
     */
    boolean onIdle(ServerConnection server) {
        watchTags = false;
        if (resets == null) {
            return false;
        }
        // the server's unreported settings pgmux applied for clients are gone too
        if (serverResets.contains("all")) {
            server.parameterOverrides().clear();
        } else {
            server.parameterOverrides().keySet().removeAll(serverResets);
        }
        server.matchedParameters(0);
        session.parameters().reset(resets);
        boolean changed = !resets.isEmpty();
        resets = null;
        serverResets = null;
        return changed;
    }

    boolean watchingCommandTags() {
        return watchTags;
    }

    /** CommandComplete with {@code tag} while watching: after DISCARD ALL the server holds no statements. */
    void onCommandTag(ServerConnection server, String tag) {
        if (rewriter != null && DeallocateCommand.dropsAll(tag)) {
            rewriter.onServerDiscarded(server);
        }
    }

    boolean pinned() {
        return !pins.isEmpty();
    }

    String pinnedBy() {
        return pinnedBy;
    }

    // ---------------------------------------------------------------- query log

    /**
     * Keeps the SQL of the first request of a busy period while logging is on: copied into a small
     * per-session array (a retained slice would pin the whole read buffer and cost two atomic
     * reference updates per query); decoded to a String only if a line is written.
     */
    private void noteForLog(ByteBuf buf, int from, int to) {
        if (loggedLength >= 0 || !session.logsSql()) {
            return;
        }
        int limit = Math.min(to, from + QueryLog.MAX_BYTES);
        int nul = buf.indexOf(from, limit, (byte) 0);
        int n = (nul < 0 ? limit : nul) - from;
        if (loggedSql == null || loggedSql.length < n) {
            loggedSql = new byte[Math.max(n, 256)];
        }
        buf.getBytes(from, loggedSql, 0, n);
        loggedLength = n;
    }

    /** The SQL kept for the log, or null; {@link #releaseLogged()} forgets it. */
    String loggedSql() {
        return loggedLength < 0 ? null : new String(loggedSql, 0, loggedLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean hasLoggedSql() {
        return loggedLength >= 0;
    }

    void releaseLogged() {
        loggedLength = -1;
    }
}
