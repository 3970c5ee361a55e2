package io.pgmux.frontend;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgmux.config.AuthMethod;
import io.pgmux.config.UserConfig;
import io.pgmux.protocol.SqlState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code auth: cert}: the verified certificate's common name against the user name, PostgreSQL's refusals. */
class ClientAuthenticatorTest {
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static final UserConfig BATCH = new UserConfig("batch", null, AuthMethod.CERT);

    @Test
    void aCertificateNamedForTheUserLogsIn() {
        AuthStep step = new ClientAuthenticator("batch", BATCH, "batch", ALLOC).start();
        assertNull(assertInstanceOf(AuthStep.Success.class, step).finalMessage(), "no SASL final for cert");
    }

    @Test
    void aCertificateForAnotherNameIsRefused() {
        AuthStep.Failure f = assertInstanceOf(AuthStep.Failure.class,
                new ClientAuthenticator("batch", BATCH, "app", ALLOC).start());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, f.error().code());
        assertEquals("certificate authentication failed for user \"batch\"", f.error().message());
        assertEquals("FATAL", f.error().severity());
        // an empty CN (a certificate whose subject has none) is another name too
        assertInstanceOf(AuthStep.Failure.class, new ClientAuthenticator("batch", BATCH, "", ALLOC).start());
        // the comparison is exact, as PostgreSQL's
        assertInstanceOf(AuthStep.Failure.class, new ClientAuthenticator("batch", BATCH, "Batch", ALLOC).start());
    }

    @Test
    void noCertificateIsRefusedWithPostgresqlsWords() {
        AuthStep.Failure f = assertInstanceOf(AuthStep.Failure.class,
                new ClientAuthenticator("batch", BATCH, null, ALLOC).start());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, f.error().code());
        assertEquals("connection requires a valid client certificate", f.error().message());
    }

    @Test
    void anUnknownUserWithACertificateStillGetsTheMadeUpScramExchange() {
        AuthStep step = new ClientAuthenticator("nobody", null, "nobody", ALLOC).start();
        AuthStep.Challenge c = assertInstanceOf(AuthStep.Challenge.class, step);
        try {
            assertEquals('R', c.message().getByte(0));
            assertEquals(10, c.message().getInt(5), "AuthenticationSASL: the certificate does not log an unknown name in");
        } finally {
            c.message().release();
        }
    }
}
