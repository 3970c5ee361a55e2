package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.protocol.PgError;

/** The outcome of one step of client authentication. */
sealed interface AuthStep {

    /** Send this request and wait for the client's next PasswordMessage. */
    record Challenge(ByteBuf message) implements AuthStep {
    }

    /** Authenticated: send {@code finalMessage} (SASLFinal, may be null) and then AuthenticationOk. */
    record Success(ByteBuf finalMessage) implements AuthStep {
    }

    /** Refused: send the error and close. */
    record Failure(PgError error) implements AuthStep {
    }
}
