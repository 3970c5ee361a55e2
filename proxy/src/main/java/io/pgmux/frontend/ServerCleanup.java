package io.pgmux.frontend;

import io.netty.util.concurrent.ScheduledFuture;
import io.pgmux.backend.ServerConnection;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.ResponseLedger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What happens to a client's server connection when the client goes away. A connection in the
 * middle of a request is cancelled and closed (PostgreSQL then rolls back and frees its locks); one
 * idle in a transaction gets ROLLBACK; in session mode the reset query (DISCARD ALL) follows. Only a
 * connection whose every cleanup statement succeeded goes back to the pool; any doubt closes it.
 */
final class ServerCleanup {
    /** A server that takes longer than this over ROLLBACK or DISCARD ALL is not worth keeping. */
    private static final long TIMEOUT_MS = 10_000;

    private final ClientSession session;
    private ScheduledFuture<?> timer;

    ServerCleanup(ClientSession session) {
        this.session = session;
    }

    void start(ServerConnection server, boolean clientMidMessage, boolean sessionMode) {
        ResponseLedger ledger = server.ledger();
        if (!ledger.isEmpty() || clientMidMessage || server.framer().inMessage()) {
            if (!ledger.isEmpty()) {
                // stop the running query: closing alone would let it run (and hold locks) to its end
                session.context().connector().cancel(server.eventLoop(), server.target(),
                        server.backendPid(), server.backendSecret());
            }
            server.markUnusable();
            session.releaseServer();
            return;
        }
        List<String> statements = new ArrayList<>(2);
        if (server.transactionStatus() != ReadyForQuery.IDLE) {
            statements.add("ROLLBACK");
        }
        String reset = session.pool().settings().serverResetQuery();
        if (sessionMode && reset != null && !reset.isBlank()) {
            statements.add(reset); // a separate Query: DISCARD ALL refuses to run inside a transaction block
            server.statements().clear(); // the reset (DISCARD ALL) drops the server's prepared statements
            server.parameterOverrides().clear(); // ... and the settings pgmux set
            server.matchedParameters(0);
        }
        if (statements.isEmpty()) {
            session.releaseServer();
            return;
        }
        for (String sql : statements) {
            server.write(FrontendMessages.query(server.channel().alloc(), sql));
            ledger.addSwallowed(ResponseLedger.QUERY, null);
        }
        server.flush();
        timer = server.eventLoop().schedule(server::close, TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** A ReadyForQuery answered the cleanup; with nothing left pending the connection goes back. */
    void onReady(ServerConnection server, byte status) {
        cancelTimer();
        if (status != ReadyForQuery.IDLE) {
            server.markUnusable();
        }
        session.releaseServer();
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
