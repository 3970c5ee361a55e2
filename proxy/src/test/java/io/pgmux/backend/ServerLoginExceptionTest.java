package io.pgmux.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.DecoderException;
import io.pgmux.resilience.FailureKind;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** TLS failures of a server login are reported in libpq's words and count as TLS for the breaker. */
class ServerLoginExceptionTest {
    private static final ServerTarget TARGET = new ServerTarget("db1", 5432, "app", "app", null);

    @Test
    void handshakeFailureWrappedByNettyIsTls() {
        SSLHandshakeException handshake = new SSLHandshakeException("Received fatal alert: handshake_failure");
        ServerLoginException e = ServerLoginException.from(new DecoderException(handshake), TARGET);
        assertEquals(Optional.of(FailureKind.TLS), e.failureKind());
        assertEquals("could not connect to server \"db1:5432\": SSL error: Received fatal alert: handshake_failure",
                e.error().message());
    }

    @Test
    void refusedCertificateSaysWhy() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("unable to find valid certification path to requested target"));
        ServerLoginException e = ServerLoginException.from(handshake, TARGET);
        assertEquals(Optional.of(FailureKind.TLS), e.failureKind());
        assertEquals("could not connect to server \"db1:5432\": SSL error: certificate verify failed:"
                + " unable to find valid certification path to requested target", e.error().message());
    }

    @Test
    void otherFailuresKeepTheirKinds() {
        ServerLoginException refused = ServerLoginException.from(new ConnectException("Connection refused"), TARGET);
        assertEquals(Optional.of(FailureKind.SERVER_ERROR), refused.failureKind(), "08006 at login");
        assertEquals(Optional.of(FailureKind.TLS),
                ServerLoginException.tls(TARGET, "server does not support SSL, but SSL was required").failureKind());
    }
}
