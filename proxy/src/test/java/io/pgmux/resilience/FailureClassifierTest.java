package io.pgmux.resilience;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailureClassifierTest {

    @Test
    void serverFailures() {
        for (String code : new String[] {
                "08000", "08001", "08003", "08004", "08006", "08007", // connection exceptions
                "57P01", "57P02", "57P03", "57P04",                   // shutdowns, cannot connect now, database dropped
                "53000", "53100", "53200", "53300",                   // insufficient resources
                "58000", "58030",                                     // system and I/O errors
                "F0000", "F0001"}) {                                  // configuration file
            assertTrue(FailureClassifier.countsAsServerFailure(code), code);
            assertEquals(Optional.of(FailureKind.SERVER_ERROR), FailureClassifier.ofSqlState(code, false), code);
            assertTrue(FailureClassifier.countsAsLoginFailure(code), code);
        }
    }

    @Test
    void whatClientsCauseDoesNotCount() {
        for (String code : new String[] {
                "08P01",                    // protocol_violation: also a client's malformed Bind
                "22012", "22P02", "22001",  // data: division by zero, bad input, too long
                "23505", "23503",           // unique and foreign key violations
                "42601", "42P01", "42501",  // syntax, undefined table, insufficient privilege
                "40001", "40P01",           // serialization failure, deadlock
                "25P02", "25006",           // aborted transaction, read-only transaction
                "0A000",                    // feature not supported
                "57014",                    // query_canceled: the client's cancel or statement_timeout
                "57P05",                    // idle_session_timeout
                "53400",                    // configuration_limit_exceeded: one query over a limit
                "54000",                    // program_limit_exceeded
                "55P03",                    // lock_not_available
                "58P01", "58P02",           // undefined or duplicate file (a client's LOAD)
                "XX000", "XX001", "XX002",  // internal error, corruption: triggered by one query
                "P0001",                    // RAISE EXCEPTION
                "28P01", "28000", "3D000",  // not once logged in: only at pgmux's own login
                "00000", "01000"}) {
            assertFalse(FailureClassifier.countsAsServerFailure(code), code);
            assertEquals(Optional.empty(), FailureClassifier.ofSqlState(code, false), code);
        }
    }

    @Test
    void theServerRejectingPgmuxsLoginCounts() {
        for (String code : new String[] {"28P01", "28000", "3D000"}) {
            assertTrue(FailureClassifier.countsAsLoginFailure(code), code);
            assertEquals(Optional.of(FailureKind.LOGIN), FailureClassifier.ofSqlState(code, true), code);
        }
        assertEquals(Optional.of(FailureKind.SERVER_ERROR), FailureClassifier.ofSqlState("53300", true));
        // a client's startup parameter the server refuses is the client's doing, even at login
        assertEquals(Optional.empty(), FailureClassifier.ofSqlState("42704", true));
        assertEquals(Optional.empty(), FailureClassifier.ofSqlState("22023", true));
    }

    @Test
    void malformedCodesDoNotCount() {
        for (String code : new String[] {null, "", "08", "080000", "57P0"}) {
            assertFalse(FailureClassifier.countsAsServerFailure(code), String.valueOf(code));
            assertFalse(FailureClassifier.countsAsLoginFailure(code), String.valueOf(code));
        }
    }

    @Test
    void failuresWithoutSqlState() {
        assertEquals(Optional.of(FailureKind.CONNECT), FailureClassifier.ofThrowable(new ConnectException("refused")));
        assertEquals(Optional.of(FailureKind.CONNECT), FailureClassifier.ofThrowable(new UnknownHostException("db")));
        assertEquals(Optional.of(FailureKind.TIMEOUT), FailureClassifier.ofThrowable(new ConnectTimeoutException("slow")),
                "a ConnectException, but a timeout first");
        assertEquals(Optional.of(FailureKind.TIMEOUT), FailureClassifier.ofThrowable(ReadTimeoutException.INSTANCE));
        assertEquals(Optional.of(FailureKind.TIMEOUT), FailureClassifier.ofThrowable(new TimeoutException()));
        assertEquals(Optional.of(FailureKind.TLS), FailureClassifier.ofThrowable(
                new DecoderException(new SSLHandshakeException("bad certificate"))), "Netty wraps TLS failures");
        assertEquals(Optional.of(FailureKind.CONNECTION_LOST), FailureClassifier.ofThrowable(new IOException("reset")));
        assertEquals(Optional.of(FailureKind.CONNECTION_LOST), FailureClassifier.ofThrowable(new ClosedChannelException()));
        assertEquals(Optional.empty(), FailureClassifier.ofThrowable(new IllegalStateException("a pgmux bug")));
        assertEquals(Optional.empty(), FailureClassifier.ofThrowable(null));
    }
}
