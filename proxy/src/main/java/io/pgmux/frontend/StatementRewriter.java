package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerStatements;
import io.pgmux.pool.PoolStats;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.ResponseLedger;
import io.pgmux.protocol.SqlState;
import io.pgmux.protocol.Wire;

import java.nio.charset.StandardCharsets;

/**
 * Named prepared statements in transaction mode. A client's statement names are its own
 * ({@link ClientStatements}); on servers a statement lives under a name derived from its text, so
 * any server connection that has it serves any client. When a Bind or Describe meets a server that
 * lacks the statement, the Parse is replayed there first and its answer swallowed; when a client's
 * Parse meets a server that has it, ParseComplete is answered without a round trip; a client's
 * Close of a statement only forgets the client's name (CloseComplete answered locally).
 */
final class StatementRewriter {
    /** Names pgmux uses on servers; a client may not bind them without preparing them itself. */
    private static final String RESERVED_PREFIX = "pgmux_";

    private final ClientSession session;
    private final ClientStatements statements;

    StatementRewriter(ClientSession session, int limit) {
        this.session = session;
        this.statements = new ClientStatements(limit);
    }

    ClientStatements statements() {
        return statements;
    }

    /** Parse: {@code 'P' len name\0 query\0 int16 n int32[n]}. Returns false for the unnamed statement. */
    boolean parse(ServerConnection server, ByteBuf buf, int offset, int length, ServerWriter out) {
        int end = offset + length;
        int nameStart = offset + MessageTypes.HEADER_LENGTH;
        int nameEnd = cString(buf, nameStart, end);
        if (nameEnd == nameStart) {
            return false;
        }
        ResponseLedger ledger = server.ledger();
        if (ledger.isDiscarding()) {
            return true; // the server would skip it after an error: so does pgmux
        }
        String name = buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
        if (statements.contains(name)) {
            ErrorInjection.inject(server, out, PgError.error(SqlState.DUPLICATE_PREPARED_STATEMENT,
                    "prepared statement \"" + name + "\" already exists"));
            return true;
        }
        if (statements.full() && !(isTransactionControl(buf, nameEnd + 1, end) && statements.size() < statements.limit() + 100)) {
            ErrorInjection.inject(server, out, PgError.error(SqlState.CONFIGURATION_LIMIT_EXCEEDED,
                    "too many prepared statements: this client holds " + statements.limit())
                    .withHint("close statements the client no longer uses, or raise limits.max_client_prepared_statements"));
            return true;
        }
        PreparedStatement stmt = PreparedStatement.fromParse(buf, nameEnd + 1, end);
        statements.put(name, stmt);
        ServerStatements cache = server.statements();
        PoolStats stats = session.pool().stats();
        if (cache.contains(stmt)) {
            stats.preparedHits.increment();
            session.planRetry().abandon();
            ledger.addSynthetic(ResponseLedger.PARSE, MessageTypes.PARSE_COMPLETE);
            session.emitSynthetic(server);
            return true;
        }
        stats.preparedMisses.increment();
        closeInvalidated(server, out);
        closeEvicted(server, cache.add(stmt, capacity()), out);
        out.write(header(server.channel().alloc(), MessageTypes.PARSE, null, stmt, end - nameEnd - 1));
        out.forward(buf, nameEnd + 1, end - nameEnd - 1);
        ledger.add(ResponseLedger.PARSE, (Runnable) () -> {
            cache.remove(stmt);
            statements.remove(name, stmt); // a failed Parse creates no statement
        });
        return true;
    }

    /**
     * BEGIN, COMMIT, ROLLBACK and friends: drivers (pgjdbc) prepare them as named statements, and a
     * client at its statement limit must still be able to end its transaction.
     */
    private static boolean isTransactionControl(ByteBuf buf, int from, int end) {
        String head = buf.toString(from, Math.min(12, Math.max(0, end - from)), StandardCharsets.US_ASCII)
                .stripLeading().toLowerCase(java.util.Locale.ROOT);
        for (String w : new String[]{"begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release"}) {
            if (head.startsWith(w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code DEALLOCATE name} of one of this client's statements sent with the extended protocol:
     * the Parse is rewritten to deallocate pgmux's copy of it on this server (prepared there first if
     * needed), so the client gets exactly PostgreSQL's answers; other clients re-prepare on demand.
     */
    boolean deallocateByParse(ServerConnection server, ByteBuf buf, int offset, int length, String name, ServerWriter out) {
        PreparedStatement stmt = statements.remove(name);
        if (stmt == null || server.ledger().isDiscarding()) {
            if (stmt != null) {
                statements.put(name, stmt);
            }
            return false;
        }
        ensurePrepared(server, stmt, out);
        int nameStart = offset + MessageTypes.HEADER_LENGTH;
        int nameEnd = cString(buf, nameStart, offset + length);
        String clientStatement = buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
        ByteBuf parse = server.channel().alloc().buffer(64);
        int len = io.pgmux.protocol.Wire.beginMessage(parse, MessageTypes.PARSE);
        io.pgmux.protocol.Wire.writeCString(parse, clientStatement);
        io.pgmux.protocol.Wire.writeCString(parse, "DEALLOCATE " + stmt.serverName());
        parse.writeShort(0);
        io.pgmux.protocol.Wire.endMessage(parse, len);
        out.write(parse);
        server.ledger().add(ResponseLedger.PARSE);
        server.statements().invalidate(stmt); // runs at the client's Execute; a Close beforehand is harmless
        return true;
    }

    /**
     * A named Parse while the client holds no server: the statement is recorded and prepared on a
     * server when a Bind or Describe first needs it (a syntax error then shows there). Returns false
     * when a server is needed after all (unnamed statement, duplicate name, limit reached: those
     * errors are raised by a server so the extended-protocol error rules hold).
     */
    boolean parseWithoutServer(ByteBuf buf, int offset, int length) {
        int end = offset + length;
        int nameStart = offset + MessageTypes.HEADER_LENGTH;
        int nameEnd = cString(buf, nameStart, end);
        if (nameEnd == nameStart) {
            return false;
        }
        String name = buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
        if (statements.contains(name) || statements.full()) {
            return false;
        }
        statements.put(name, PreparedStatement.fromParse(buf, nameEnd + 1, end));
        return true;
    }

    /** Close of a named statement while the client holds no server: only the client's name goes. */
    boolean closeWithoutServer(ByteBuf buf, int offset, int length) {
        if (buf.getByte(offset + 5) != 'S') {
            return false;
        }
        int nameStart = offset + 6;
        int nameEnd = cString(buf, nameStart, offset + length);
        if (nameEnd == nameStart) {
            return false;
        }
        statements.remove(buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8));
        return true;
    }

    /** Bind: {@code 'B' len portal\0 statement\0 rest}. Returns false when forwarded unchanged. */
    boolean bind(ServerConnection server, ByteBuf buf, int offset, int length, ServerWriter out) {
        int end = offset + length;
        int portalStart = offset + MessageTypes.HEADER_LENGTH;
        int portalEnd = cString(buf, portalStart, end);
        int nameStart = portalEnd + 1;
        int nameEnd = cString(buf, nameStart, end);
        PreparedStatement stmt = lookup(server, buf, nameStart, nameEnd);
        if (stmt == null) {
            return reservedRefused(server, buf, nameStart, nameEnd, out);
        }
        ensurePrepared(server, stmt, out);
        session.planRetry().onBind(server, stmt, singleResultFormat(buf, nameEnd + 1, end));
        out.write(header(server.channel().alloc(), MessageTypes.BIND, buf.slice(portalStart, nameStart - portalStart),
                stmt, end - nameEnd - 1));
        out.forward(buf, nameEnd + 1, end - nameEnd - 1);
        server.ledger().add(ResponseLedger.BIND, stmt); // the statement, in case its cached plan went stale
        return true;
    }

    /** Describe: {@code 'D' len 'S'|'P' name\0}. Only statements are rewritten. */
    boolean describe(ServerConnection server, ByteBuf buf, int offset, int length, ServerWriter out) {
        if (buf.getByte(offset + 5) != 'S') {
            return false;
        }
        int end = offset + length;
        int nameStart = offset + 6;
        int nameEnd = cString(buf, nameStart, end);
        PreparedStatement stmt = lookup(server, buf, nameStart, nameEnd);
        if (stmt == null) {
            return reservedRefused(server, buf, nameStart, nameEnd, out);
        }
        ensurePrepared(server, stmt, out);
        ByteBuf msg = server.channel().alloc().buffer(7 + stmt.serverNameCString().length);
        msg.writeByte(MessageTypes.DESCRIBE).writeInt(5 + stmt.serverNameCString().length).writeByte('S')
                .writeBytes(stmt.serverNameCString());
        out.write(msg);
        server.ledger().add(ResponseLedger.DESCRIBE_STATEMENT);
        return true;
    }

    /** Close: a named statement is only forgotten by this client; servers keep it for others. */
    boolean close(ServerConnection server, ByteBuf buf, int offset, int length) {
        if (buf.getByte(offset + 5) != 'S') {
            return false;
        }
        int nameStart = offset + 6;
        int nameEnd = cString(buf, nameStart, offset + length);
        if (nameEnd == nameStart) {
            return false;
        }
        ResponseLedger ledger = server.ledger();
        if (!ledger.isDiscarding()) {
            statements.remove(buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8));
            session.planRetry().abandon();
            ledger.addSynthetic(ResponseLedger.CLOSE, MessageTypes.CLOSE_COMPLETE);
            session.emitSynthetic(server);
        }
        return true;
    }

    /**
     * {@code DEALLOCATE [PREPARE] name} of one of this client's statements: only the client's name
     * goes (psycopg 3 deallocates this way). Returns true when answered locally.
     */
    boolean deallocate(String sql) {
        String name = DeallocateCommand.statementName(sql);
        return name != null && statements.remove(name) != null;
    }

    /** The server dropped all its statements (DISCARD ALL / DEALLOCATE ALL ran there). */
    void onServerDiscarded(ServerConnection server) {
        server.statements().clear();
        statements.clear();
    }

    private PreparedStatement lookup(ServerConnection server, ByteBuf buf, int nameStart, int nameEnd) {
        if (nameEnd == nameStart || server.ledger().isDiscarding()) {
            return null;
        }
        return statements.get(buf, nameStart, nameEnd);
    }

    /**
     * A client naming a statement it never prepared gets PostgreSQL's "does not exist" from the
     * server; but pgmux's own names must not reach a statement another client prepared.
     */
    private boolean reservedRefused(ServerConnection server, ByteBuf buf, int nameStart, int nameEnd, ServerWriter out) {
        if (nameEnd == nameStart || server.ledger().isDiscarding()) {
            return false;
        }
        String name = buf.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
        if (!name.startsWith(RESERVED_PREFIX)) {
            return false;
        }
        ErrorInjection.inject(server, out, PgError.error(SqlState.INVALID_SQL_STATEMENT_NAME,
                "prepared statement \"" + name + "\" does not exist"));
        return true;
    }

    private void ensurePrepared(ServerConnection server, PreparedStatement stmt, ServerWriter out) {
        ServerStatements cache = server.statements();
        PoolStats stats = session.pool().stats();
        if (cache.contains(stmt)) {
            stats.preparedHits.increment();
            return;
        }
        stats.preparedMisses.increment();
        closeInvalidated(server, out);
        closeEvicted(server, cache.add(stmt, capacity()), out);
        out.writeInjected(stmt.parseMessage(server.channel().alloc()));
        server.ledger().addSwallowed(ResponseLedger.PARSE, (Runnable) () -> cache.remove(stmt));
    }

    /** Closes what was invalidated on this server (a stale plan, a client's DEALLOCATE) before it is prepared again. */
    private void closeInvalidated(ServerConnection server, ServerWriter out) {
        for (String name : server.statements().takeToClose()) {
            out.writeInjected(PreparedStatement.closeMessage(server.channel().alloc(), name));
            server.ledger().addSwallowed(ResponseLedger.CLOSE, null);
        }
    }

    private void closeEvicted(ServerConnection server, java.util.List<String> names, ServerWriter out) {
        for (String name : names) {
            out.writeInjected(PreparedStatement.closeMessage(server.channel().alloc(), name));
            server.ledger().addSwallowed(ResponseLedger.CLOSE, null);
            session.pool().stats().preparedEvictions.increment();
        }
    }

    private int capacity() {
        return session.pool().settings().maxPreparedStatements();
    }

    /**
     * The rewritten head of a Parse or Bind: type, length, [portal name,] the server's statement
     * name. The client's remaining {@code tailLength} bytes follow as a forwarded slice.
     */
    private static ByteBuf header(ByteBufAllocator alloc, byte type, ByteBuf portal, PreparedStatement stmt, int tailLength) {
        byte[] name = stmt.serverNameCString();
        int portalLength = portal == null ? 0 : portal.readableBytes();
        ByteBuf out = alloc.buffer(5 + portalLength + name.length);
        out.writeByte(type).writeInt(4 + portalLength + name.length + tailLength);
        if (portal != null) {
            out.writeBytes(portal, portal.readerIndex(), portalLength);
        }
        out.writeBytes(name);
        return out;
    }

    /**
     * True when the Bind's rest ({@code int16 n, int16[n] formats, int16 params, (int32 len, bytes)*,
     * int16 results, ...}) asks for at most one result format: one that does not depend on how many
     * columns the statement returns, so the Bind can be replayed after a re-prepare.
     */
    static boolean singleResultFormat(ByteBuf buf, int pos, int end) {
        if (pos + 2 > end) {
            return false;
        }
        pos += 2 + 2 * buf.getUnsignedShort(pos);
        if (pos + 2 > end) {
            return false;
        }
        int params = buf.getUnsignedShort(pos);
        pos += 2;
        for (int i = 0; i < params && pos + 4 <= end; i++) {
            int len = buf.getInt(pos);
            pos += 4 + Math.max(0, len);
        }
        return pos + 2 <= end && buf.getUnsignedShort(pos) <= 1;
    }

    private static int cString(ByteBuf buf, int from, int end) {
        int nul = Wire.cStringEnd(buf, from, end);
        if (nul < 0) {
            throw ProtocolException.violation("invalid string in message");
        }
        return nul;
    }
}
