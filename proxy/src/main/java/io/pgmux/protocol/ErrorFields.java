package io.pgmux.protocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/** Reads the fields of an ErrorResponse or NoticeResponse that pgmux cares about. */
public final class ErrorFields {
    private ErrorFields() {
    }

    /**
     * Parses the message at {@code offset} (the type byte) into a {@link PgError}. Missing fields
     * are tolerated: a server is not trusted to send SQLSTATE or a message (cf. CVE-2026-6666).
     */
    public static PgError parse(ByteBuf buf, int offset, int length) {
        String severity = "ERROR";
        String code = SqlState.INTERNAL_ERROR;
        String message = "";
        String detail = null;
        String hint = null;
        int pos = offset + MessageTypes.HEADER_LENGTH;
        int end = offset + length;
        while (pos < end) {
            byte field = buf.getByte(pos++);
            if (field == 0) {
                break;
            }
            int nul = Wire.cStringEnd(buf, pos, end);
            if (nul < 0) {
                break;
            }
            String value = buf.toString(pos, nul - pos, StandardCharsets.UTF_8);
            switch (field) {
                case 'V' -> severity = value;
                case 'S' -> severity = severity.equals("ERROR") ? value : severity;
                case 'C' -> code = value;
                case 'M' -> message = value;
                case 'D' -> detail = value;
                case 'H' -> hint = value;
                default -> {
                    // position, context, schema...: not needed by the proxy
                }
            }
            pos = nul + 1;
        }
        return new PgError(severity, code, message, detail, hint);
    }

    /** The SQLSTATE only, without building strings for the other fields. */
    public static String sqlState(ByteBuf buf, int offset, int length) {
        int pos = offset + MessageTypes.HEADER_LENGTH;
        int end = offset + length;
        while (pos < end) {
            byte field = buf.getByte(pos++);
            int nul = field == 0 ? -1 : Wire.cStringEnd(buf, pos, end);
            if (nul < 0) {
                break;
            }
            if (field == 'C') {
                return buf.toString(pos, nul - pos, StandardCharsets.US_ASCII);
            }
            pos = nul + 1;
        }
        return SqlState.INTERNAL_ERROR;
    }
}
