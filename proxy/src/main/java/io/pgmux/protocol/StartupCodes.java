package io.pgmux.protocol;

/** The codes that open the untyped startup packets (int32 length, int32 code, ...). */
public final class StartupCodes {
    private StartupCodes() {
    }

    /** Protocol 3.0: major 3 in the high 16 bits, minor 0 in the low. */
    public static final int PROTOCOL_3_0 = 3 << 16;
    public static final int CANCEL_REQUEST = 80877102;
    public static final int SSL_REQUEST = 80877103;
    public static final int GSSENC_REQUEST = 80877104;
    /** PostgreSQL's own limit for a startup packet (MAX_STARTUP_PACKET_LENGTH). */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;
}
