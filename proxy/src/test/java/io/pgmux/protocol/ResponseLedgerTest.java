package io.pgmux.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.pgmux.protocol.ResponseLedger.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseLedgerTest {

    @Test
    void simpleQueryEndsAtReadyForQuery() {
        ResponseLedger l = new ResponseLedger();
        l.add(QUERY);
        assertEquals(1, l.pendingReadyForQuery());
        assertEquals(FORWARD, l.onServerMessage((byte) 'T'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'D'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'C'));
        assertFalse(l.isEmpty());
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
        assertEquals(0, l.pendingReadyForQuery());
    }

    @Test
    void pipelinedSyncsAreCountedUntilTheLast() {
        ResponseLedger l = new ResponseLedger();
        for (int i = 0; i < 3; i++) {
            l.add(PARSE);
            l.add(BIND);
            l.add(EXECUTE);
            l.add(SYNC);
        }
        assertEquals(3, l.pendingReadyForQuery());
        for (int i = 0; i < 3; i++) {
            assertFalse(l.isEmpty());
            for (char c : "12DCZ".toCharArray()) {
                assertEquals(FORWARD, l.onServerMessage((byte) c));
            }
        }
        assertTrue(l.isEmpty());
    }

    @Test
    void errorSkipsToSyncAndDropsQueuedRequests() {
        List<Object> undone = new ArrayList<>();
        ResponseLedger l = new ResponseLedger(undone::add);
        l.add(PARSE);
        l.add(BIND);
        l.addSwallowed(PARSE, "injected");
        l.add(EXECUTE);
        l.add(SYNC);
        l.add(QUERY);
        assertEquals(FORWARD, l.onServerMessage((byte) '1'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'E')); // Bind failed
        assertEquals(List.of("injected"), undone, "the injected Parse never ran: its effect is undone");
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertFalse(l.isEmpty(), "the simple query behind the Sync is still owed");
        assertEquals(FORWARD, l.onServerMessage((byte) 'C'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void requestsAddedWhileTheServerDiscardsAreNotEntered() {
        ResponseLedger l = new ResponseLedger();
        l.add(PARSE);
        assertEquals(FORWARD, l.onServerMessage((byte) 'E'));
        assertFalse(l.isEmpty(), "discarding until Sync");
        assertFalse(l.add(BIND));
        assertFalse(l.add(EXECUTE));
        assertTrue(l.add(SYNC));
        assertEquals(1, l.pendingReadyForQuery());
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void swallowedQueryIsDroppedButItsErrorIsReported() {
        ResponseLedger l = new ResponseLedger();
        l.addSwallowed(QUERY, null);
        l.add(QUERY);
        assertEquals(DROP, l.onServerMessage((byte) 'C'));
        assertEquals(SWALLOWED_ERROR, l.onServerMessage((byte) 'E'));
        assertEquals(DROP, l.onServerMessage((byte) 'Z'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'C'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void syntheticResponsesComeOutInOrder() {
        ResponseLedger l = new ResponseLedger();
        l.addSynthetic(PARSE, (byte) '1');
        assertEquals((Byte) (byte) '1', l.pollSynthetic(), "nothing ahead of it: answer at once");
        assertEquals(null, l.pollSynthetic());
        l.add(BIND);
        l.addSynthetic(CLOSE, (byte) '3');
        l.add(SYNC);
        assertEquals(null, l.pollSynthetic(), "the Bind is answered first");
        assertEquals(FORWARD, l.onServerMessage((byte) '2'));
        assertEquals((Byte) (byte) '3', l.pollSynthetic());
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void syntheticBehindAnErrorIsDropped() {
        ResponseLedger l = new ResponseLedger();
        l.add(BIND);
        l.addSynthetic(PARSE, (byte) '1');
        l.add(SYNC);
        assertEquals(FORWARD, l.onServerMessage((byte) 'E'));
        assertEquals(null, l.pollSynthetic());
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void describeStatementEndsAtRowDescriptionOrNoData() {
        ResponseLedger l = new ResponseLedger();
        l.add(DESCRIBE_STATEMENT);
        l.add(DESCRIBE_PORTAL);
        l.add(SYNC);
        assertEquals(FORWARD, l.onServerMessage((byte) 't'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'n'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'T'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void copyInsideExecuteEndsAtCommandComplete() {
        ResponseLedger l = new ResponseLedger();
        l.add(EXECUTE);
        l.add(SYNC);
        for (char c : "Gd".toCharArray()) {
            assertEquals(FORWARD, l.onServerMessage((byte) c));
        }
        assertEquals(FORWARD, l.onServerMessage((byte) 'C'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        assertTrue(l.isEmpty());
    }

    @Test
    void growsBeyondItsInitialCapacity() {
        ResponseLedger l = new ResponseLedger();
        for (int i = 0; i < 1000; i++) {
            l.add(EXECUTE);
            l.add(SYNC);
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(FORWARD, l.onServerMessage((byte) 'C'));
            assertEquals(FORWARD, l.onServerMessage((byte) 'Z'));
        }
        assertTrue(l.isEmpty());
    }

    @Test
    void asynchronousMessagesPassWithAnEmptyLedger() {
        ResponseLedger l = new ResponseLedger();
        assertEquals(FORWARD, l.onServerMessage((byte) 'N'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'A'));
        assertEquals(FORWARD, l.onServerMessage((byte) 'S'));
        assertTrue(l.isEmpty());
    }
}
