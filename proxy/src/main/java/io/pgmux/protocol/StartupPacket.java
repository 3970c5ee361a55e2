package io.pgmux.protocol;

import java.util.List;
import java.util.Map;

/** The untyped packets a client may open a connection with. */
public sealed interface StartupPacket {

    /** SSLRequest: answered {@code N} (or {@code S} once TLS is configured). */
    record SslRequest() implements StartupPacket {
    }

    /** GSSENCRequest: always answered {@code N}; the client then continues in plain text or asks for SSL. */
    record GssEncRequest() implements StartupPacket {
    }

    /** CancelRequest: arrives on a fresh connection, carries the key from BackendKeyData. */
    record CancelRequest(int pid, int secret) implements StartupPacket {
    }

    /**
     * StartupMessage.
     *
     * @param minorVersion  requested protocol minor version (3.x); pgmux speaks 3.0
     * @param parameters    the key/value pairs in order, {@code user} among them
     * @param protocolOptions the {@code _pq_.} options, which pgmux reports as unrecognized
     */
    record StartupMessage(int minorVersion, Map<String, String> parameters, List<String> protocolOptions)
            implements StartupPacket {
        public StartupMessage {
            parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
            protocolOptions = List.copyOf(protocolOptions);
        }
    }

    /**
     * A packet pgmux must refuse; the connection is answered with this error and closed.
     *
     * @param legacyFormat answer in protocol 2.0's format (a bare 'E' and text), as PostgreSQL does
     *                     for clients asking for a protocol older than 3.0
     */
    record Invalid(PgError error, boolean legacyFormat) implements StartupPacket {
        public Invalid(PgError error) {
            this(error, false);
        }
    }
}
