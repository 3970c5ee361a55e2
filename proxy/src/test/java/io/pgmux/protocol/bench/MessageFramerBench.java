package io.pgmux.protocol.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.pgmux.bench.HotPathBench;
import io.pgmux.protocol.MessageFramer;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.ReadyForQuery;
import io.pgmux.protocol.ResponseLedger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/*
 * The server-to-client scan: MessageFramer splitting a server response into messages, as the
 * response forwarder feeds it, with a listener that does what ResponseForwarder does minus the
 * channel write (matches each message against the ResponseLedger, reads the ReadyForQuery status,
 * coalesces contiguous messages into one run). Part of HotPathBenches (io.pgmux.bench).
 */
/** JMH benchmark of {@link MessageFramer} and {@link ResponseLedger} on typical server responses. */
public class MessageFramerBench extends HotPathBench {
    private static final byte[] EXTENDED = {ResponseLedger.PARSE, ResponseLedger.BIND, ResponseLedger.DESCRIBE_PORTAL,
        ResponseLedger.EXECUTE, ResponseLedger.SYNC};

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final MessageFramer framer = new MessageFramer(1 << 30);
    private final ResponseLedger ledger = new ResponseLedger();
    private ByteBuf selectOne;
    private ByteBuf extended;
    private ByteBuf rows100;
    /** rows100 as three socket reads of 4 KiB, 4 KiB and the rest: DataRows cut between reads. */
    private ByteBuf[] rows100Reads;

    @Setup(Level.Trial)
    public void setup() {
        selectOne = Responses.selectOne(alloc);
        extended = Responses.extendedSelectOne(alloc);
        rows100 = Responses.rows(alloc, 100, 100);
        int n = rows100.readableBytes();
        rows100Reads = new ByteBuf[] {rows100.slice(0, 4096), rows100.slice(4096, 4096), rows100.slice(8192, n - 8192)};
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        framer.release();
        selectOne.release();
        extended.release();
        rows100.release();
    }

    /** Counts messages and bytes, nothing else: the framer's own cost. */
    static class Counting implements MessageFramer.Listener {
        int messages;
        long bytes;

        @Override
        public boolean needsWhole(byte type) {
            return type == MessageTypes.READY_FOR_QUERY || type == MessageTypes.ERROR_RESPONSE
                    || type == MessageTypes.PARAMETER_STATUS;
        }

        @Override
        public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
            messages++;
            bytes += available;
            return true;
        }

        @Override
        public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            bytes += length;
        }
    }

    /** What ResponseForwarder does per message, without a channel: ledger match, RFQ status, run coalescing. */
    static final class Forwarding extends Counting {
        final ResponseLedger ledger;
        ByteBuf runBuf;
        int runStart;
        int runEnd;
        int runs;
        byte status;

        Forwarding(ResponseLedger ledger) {
            this.ledger = ledger;
        }

        @Override
        public boolean onMessage(byte type, ByteBuf buf, int offset, int available, int length) {
            int action = ledger.onServerMessage(type);
            if (type == MessageTypes.READY_FOR_QUERY) {
                status = ReadyForQuery.status(buf, offset);
            }
            if (action == ResponseLedger.FORWARD) {
                add(buf, offset, available);
            }
            return true;
        }

        @Override
        public void onContinuation(ByteBuf buf, int offset, int length, int remaining) {
            add(buf, offset, length);
        }

        private void add(ByteBuf buf, int offset, int length) {
            if (runBuf == buf && runEnd == offset) {
                runEnd += length;
                return;
            }
            runs++;
            runBuf = buf;
            runStart = offset;
            runEnd = offset + length;
        }

        int endRun() {
            int n = runEnd - runStart;
            runBuf = null;
            return n;
        }
    }

    private final Counting counting = new Counting();
    private final Forwarding forwarding = new Forwarding(ledger);

    /** pgbench -S's response (T D C Z, 60 bytes), framer only. */
    @Benchmark
    public int scanSelectOne() {
        return framer.feed(alloc, selectOne, counting);
    }

    /** A 100-row response (100-byte text column, ~11 KB) in one buffer, framer only. */
    @Benchmark
    public int scan100Rows() {
        return framer.feed(alloc, rows100, counting);
    }

    /** The 100-row response arriving in three reads, DataRows cut between them (piecewise delivery). */
    @Benchmark
    public void scan100RowsSplit(Blackhole bh) {
        for (ByteBuf read : rows100Reads) {
            bh.consume(framer.feed(alloc, read, counting));
        }
    }

    /** Simple query: ledger entry for the Query, then T D C Z framed, matched and coalesced into one run. */
    @Benchmark
    public int forwardSelectOne() {
        ledger.add(ResponseLedger.QUERY);
        framer.feed(alloc, selectOne, forwarding);
        return forwarding.endRun() + forwarding.status;
    }

    /** Extended protocol (Parse/Bind/Describe/Execute/Sync): five ledger entries, 1 2 T D C Z. */
    @Benchmark
    public int forwardExtendedSelectOne() {
        for (byte kind : EXTENDED) {
            ledger.add(kind);
        }
        framer.feed(alloc, extended, forwarding);
        return forwarding.endRun() + forwarding.status;
    }

    /** The 100-row response in three reads, with the ledger and run coalescing (one run per read). */
    @Benchmark
    public int forward100RowsSplit() {
        ledger.add(ResponseLedger.QUERY);
        int n = 0;
        for (ByteBuf read : rows100Reads) {
            framer.feed(alloc, read, forwarding);
            n += forwarding.endRun();
        }
        return n + forwarding.status;
    }
}
