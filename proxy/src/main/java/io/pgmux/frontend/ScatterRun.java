package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.pgmux.backend.ServerConnection;
import io.pgmux.backend.ServerListener;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolClient;
import io.pgmux.protocol.BackendMessages;
import io.pgmux.protocol.FrontendMessages;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.PgError;
import io.pgmux.protocol.ProtocolException;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.SqlState;
import io.pgmux.sharding.AllShardsResult;
import io.pgmux.sharding.ScatterMerger;
import io.pgmux.sharding.ScatterPlan;
import io.pgmux.sharding.ScatterResult;

import java.util.ArrayList;
import java.util.List;

import static io.pgmux.protocol.MessageTypes.DATA_ROW;
import static io.pgmux.protocol.MessageTypes.PARSE_COMPLETE;
import static io.pgmux.protocol.MessageTypes.ROW_DESCRIPTION;
import static io.pgmux.protocol.MessageTypes.READY_FOR_QUERY;

/**
 * One client batch (a Query, or Parse..Sync) run on every shard at once: a scatter read, merged by
 * the {@link ScatterMerger}, or an {@code all_shards} statement, whose command tags are added up
 * ({@link AllShardsResult}). Each shard is a {@link Leg}: a server connection of that shard's pool,
 * on the client's event loop, whose answer is kept whole until every shard has answered (a merge
 * needs them all); then the client gets one answer and one ReadyForQuery, and the servers go back.
 * At most {@code max_scatter_rows} rows are kept; past it the answer is an error.
 */
final class ScatterRun {
    private final ClientSession session;
    private final ScatterPlan.Mergeable plan;
    private final ByteBuf batch;
    /** For each Parse in the batch: pgmux added it, and its ParseComplete is not the client's. */
    private final List<Boolean> syntheticParses;
    /** pgmux added a Describe of the portal: the merged RowDescription is not the client's. */
    private final boolean syntheticDescribe;
    private final int maxRows;
    private final int maxMessage;
    private final List<Leg> legs = new ArrayList<>();
    private int remaining;
    private int rows;

    /**
     * @param plan  how to merge a scatter read; null for an {@code all_shards} statement
     * @param batch the messages to send each shard (its bytes owned: released when the run ends)
     * @param pools the pool to use on each shard, in shard order
     */
    ScatterRun(ClientSession session, ScatterPlan.Mergeable plan, ScatterBatch batch, List<Pool> pools, int maxRows,
               int maxMessage) {
        this.session = session;
        this.plan = plan;
        this.batch = batch.bytes();
        this.syntheticParses = batch.synthetic();
        this.syntheticDescribe = batch.syntheticDescribe();
        this.maxRows = maxRows;
        this.maxMessage = maxMessage;
        for (int i = 0; i < pools.size(); i++) {
            legs.add(new Leg(i, pools.get(i)));
        }
    }

    /** True during {@link #start}: an answer ready that soon waits for the client's input handling to unwind. */
    private boolean starting;

    void start() {
        remaining = legs.size();
        starting = true;
        try {
            for (Leg leg : legs) {
                leg.pool.acquire(leg);
            }
        } finally {
            starting = false;
        }
    }

    private void legDone() {
        if (--remaining == 0) {
            finish();
        }
    }

    private void finish() {
        List<ScatterResult> results = new ArrayList<>(legs.size());
        PgError failure = null;
        for (Leg leg : legs) {
            leg.giveBack();
            if (failure == null && leg.failure != null) {
                failure = leg.failure;
            }
            results.add(new ScatterResult("shard" + leg.shard, leg.messages));
        }
        batch.release();
        if (failure == null && rows > maxRows) {
            failure = PgError.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "scatter query returned more than"
                    + " sharding.max_scatter_rows (" + maxRows + ") rows")
                    .withHint("add a shard key or a LIMIT, or raise sharding.max_scatter_rows");
        }
        if (session.isClosed()) {
            results.forEach(r -> r.messages().forEach(ByteBuf::release));
            return;
        }
        ByteBufAllocator alloc = session.clientChannel().alloc();
        List<ByteBuf> out;
        if (failure != null) {
            results.forEach(r -> r.messages().forEach(ByteBuf::release));
            out = List.of(BackendMessages.errorResponse(alloc, failure));
        } else if (plan != null) {
            out = new ScatterMerger(alloc, false).merge(plan, results);
            if (syntheticDescribe) {
                out = withoutRowDescription(out);
            }
        } else {
            out = AllShardsResult.combine(alloc, results);
        }
        List<ByteBuf> answer = out;
        if (starting) {
            session.eventLoop().execute(() -> session.onScatterDone(answer)); // not inside the client's feed
        } else {
            session.onScatterDone(answer);
        }
    }

    /** {@code messages} without their (first) RowDescription, which answered a Describe pgmux added. */
    private static List<ByteBuf> withoutRowDescription(List<ByteBuf> messages) {
        List<ByteBuf> out = new ArrayList<>(messages.size());
        boolean dropped = false;
        for (ByteBuf m : messages) {
            if (!dropped && m.getByte(m.readerIndex()) == ROW_DESCRIPTION) {
                m.release();
                dropped = true;
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** One shard's part of the run. */
    private final class Leg implements PoolClient, ServerListener, MessageFramer.Listener {
        final int shard;
        final Pool pool;
        final MessageFramer framer;
        final List<ByteBuf> messages = new ArrayList<>();
        ServerConnection server;
        /** ReadyForQuery messages still to swallow (the parameter sync's) before the batch's answer. */
        int syncing;
        /** ParseComplete messages seen so far. */
        int parsed;
        byte status;
        PgError failure;
        boolean done;

        Leg(int shard, Pool pool) {
            this.shard = shard;
            this.pool = pool;
            this.framer = new MessageFramer(maxMessage);
        }

        @Override
        public EventLoop eventLoop() {
            return session.eventLoop();
        }

        @Override
        public void onServerAcquired(ServerConnection c) {
            server = c;
            c.attach(this);
            ParameterSync sync = session.parameterSync(c);
            if (sync != null) {
                c.write(FrontendMessages.query(c.channel().alloc(), sync.sql()));
                syncing = 1;
            }
            c.write(batch.retainedDuplicate());
            c.flush();
        }

        @Override
        public void onAcquireFailed(PgError error) {
            fail(error.message());
        }

        private void fail(String why) {
            if (done) {
                return;
            }
            failure = PgError.error(SqlState.CONNECTION_FAILURE, "shard " + shard + " of database \""
                    + session.database() + "\" (" + pool.target().address() + "): " + why);
            done = true;
            legDone();
        }

        @Override
        public void onServerData(ServerConnection from, ByteBuf data) {
            try {
                framer.feed(data.alloc(), data, this);
            } catch (ProtocolException e) {
                from.markUnusable();
                from.close();
            } finally {
                data.release();
            }
        }

        @Override
        public boolean needsWhole(byte type) {
            return true;
        }

        @Override
        public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
            if (done) {
                return true; // after a failure: the connection is closed, nothing is kept
            }
            if (syncing > 0) {
                if (type == READY_FOR_QUERY) {
                    syncing--;
                }
                return true; // the parameter sync's answer is pgmux's own
            }
            if (type == READY_FOR_QUERY) {
                status = buf.getByte(offset + 5);
                done = true;
                legDone();
                return true;
            }
            if (type == DATA_ROW && ++rows > maxRows) {
                return true; // over the limit: counted, not kept
            }
            if (type == PARSE_COMPLETE && parsed < syntheticParses.size() && syntheticParses.get(parsed++)) {
                return true; // the answer to a Parse pgmux added
            }
            messages.add(buf.retainedSlice(offset, length));
            return true;
        }

        @Override
        public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            // every message is assembled whole (needsWhole)
        }

        @Override
        public void onServerReadComplete(ServerConnection from) {
        }

        @Override
        public void onServerWritabilityChanged(ServerConnection from, boolean writable) {
        }

        @Override
        public void onServerClosed(ServerConnection from) {
            server = null;
            framer.release();
            fail("server closed the connection unexpectedly");
        }

        /** The run is over: the server goes back to its pool, or is closed when its state is not clean. */
        void giveBack() {
            framer.release();
            ServerConnection c = server;
            if (c == null) {
                return;
            }
            server = null;
            c.attach(null);
            if (failure != null || status != ReadyForQuery.IDLE) {
                c.markUnusable();
            }
            pool.release(c);
        }
    }
}
