package io.pgmux.protocol.bench;

import io.pgmux.bench.HotPathBench;
import io.pgmux.protocol.MessageTypes;
import io.pgmux.protocol.ResponseLedger;
import org.openjdk.jmh.annotations.Benchmark;

/*
 * ReadyForQuery / transaction-state tracking: the ResponseLedger entries a transaction makes and the
 * matching of the server's answers against them, as RequestForwarder and ResponseForwarder drive it.
 * Part of HotPathBenches (io.pgmux.bench).
 */
/** JMH benchmark of {@link ResponseLedger}: one request/response cycle per operation. */
public class ResponseLedgerBench extends HotPathBench {
    private final ResponseLedger ledger = new ResponseLedger();
    private final Runnable undo = () -> { };

    /** Simple query: Query, then T D C Z. */
    @Benchmark
    public int simpleQuery() {
        ledger.add(ResponseLedger.QUERY);
        int a = ledger.onServerMessage(MessageTypes.ROW_DESCRIPTION);
        a += ledger.onServerMessage(MessageTypes.DATA_ROW);
        a += ledger.onServerMessage(MessageTypes.COMMAND_COMPLETE);
        a += ledger.onServerMessage(MessageTypes.READY_FOR_QUERY);
        return a + ledger.pendingReadyForQuery();
    }

    /** pgbench -M prepared: Bind (with its statement as undo payload), Execute, Sync; then 2 D C Z. */
    @Benchmark
    public int preparedExecute() {
        ledger.add(ResponseLedger.BIND, undo);
        ledger.add(ResponseLedger.EXECUTE);
        ledger.add(ResponseLedger.SYNC);
        int a = ledger.onServerMessage(MessageTypes.BIND_COMPLETE);
        a += ledger.onServerMessage(MessageTypes.DATA_ROW);
        a += ledger.onServerMessage(MessageTypes.COMMAND_COMPLETE);
        a += ledger.onServerMessage(MessageTypes.READY_FOR_QUERY);
        return a + (ledger.isEmpty() ? 1 : 0);
    }

    /** A pgjdbc batch of 20 Bind/Execute pairs behind one Sync; 2 C x 20, then Z (the ring grows once, then is reused). */
    @Benchmark
    public int batchOf20() {
        for (int i = 0; i < 20; i++) {
            ledger.add(ResponseLedger.BIND, undo);
            ledger.add(ResponseLedger.EXECUTE);
        }
        ledger.add(ResponseLedger.SYNC);
        int a = 0;
        for (int i = 0; i < 20; i++) {
            a += ledger.onServerMessage(MessageTypes.BIND_COMPLETE);
            a += ledger.onServerMessage(MessageTypes.COMMAND_COMPLETE);
        }
        a += ledger.onServerMessage(MessageTypes.READY_FOR_QUERY);
        return a;
    }
}
