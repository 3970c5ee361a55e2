package io.pgmux.protocol;

/**
 * Type bytes of the typed protocol messages. Plain {@code byte} constants rather than an enum:
 * the hot path switches on them for every message.
 */
public final class MessageTypes {
    private MessageTypes() {
    }

    // frontend (client -> server)
    public static final byte BIND = 'B';
    public static final byte CLOSE = 'C';
    public static final byte COPY_DATA = 'd';
    public static final byte COPY_DONE = 'c';
    public static final byte COPY_FAIL = 'f';
    public static final byte DESCRIBE = 'D';
    public static final byte EXECUTE = 'E';
    public static final byte FLUSH = 'H';
    public static final byte FUNCTION_CALL = 'F';
    public static final byte PARSE = 'P';
    /** PasswordMessage, SASLInitialResponse and SASLResponse all use 'p'. */
    public static final byte PASSWORD = 'p';
    public static final byte QUERY = 'Q';
    public static final byte SYNC = 'S';
    public static final byte TERMINATE = 'X';

    // backend (server -> client)
    public static final byte AUTHENTICATION = 'R';
    public static final byte BACKEND_KEY_DATA = 'K';
    public static final byte BIND_COMPLETE = '2';
    public static final byte CLOSE_COMPLETE = '3';
    public static final byte COMMAND_COMPLETE = 'C';
    public static final byte COPY_IN_RESPONSE = 'G';
    public static final byte COPY_OUT_RESPONSE = 'H';
    public static final byte COPY_BOTH_RESPONSE = 'W';
    public static final byte DATA_ROW = 'D';
    public static final byte EMPTY_QUERY_RESPONSE = 'I';
    public static final byte ERROR_RESPONSE = 'E';
    public static final byte FUNCTION_CALL_RESPONSE = 'V';
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
    public static final byte NO_DATA = 'n';
    public static final byte NOTICE_RESPONSE = 'N';
    public static final byte NOTIFICATION_RESPONSE = 'A';
    public static final byte PARAMETER_DESCRIPTION = 't';
    public static final byte PARAMETER_STATUS = 'S';
    public static final byte PARSE_COMPLETE = '1';
    public static final byte PORTAL_SUSPENDED = 's';
    public static final byte READY_FOR_QUERY = 'Z';
    public static final byte ROW_DESCRIPTION = 'T';

    /** Length of the header of a typed message: type byte plus int32 length. */
    public static final int HEADER_LENGTH = 5;

    /** A printable name for logs, e.g. {@code 'Q' (Query)}; never used on the hot path. */
    public static String describe(byte type, boolean fromClient) {
        String name = fromClient ? frontendName(type) : backendName(type);
        char c = (char) (type & 0xff);
        String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("0x%02x", type & 0xff);
        return name == null ? shown : shown + " (" + name + ")";
    }

    private static String frontendName(byte type) {
        return switch (type) {
            case BIND -> "Bind";
            case CLOSE -> "Close";
            case COPY_DATA -> "CopyData";
            case COPY_DONE -> "CopyDone";
            case COPY_FAIL -> "CopyFail";
            case DESCRIBE -> "Describe";
            case EXECUTE -> "Execute";
            case FLUSH -> "Flush";
            case FUNCTION_CALL -> "FunctionCall";
            case PARSE -> "Parse";
            case PASSWORD -> "PasswordMessage";
            case QUERY -> "Query";
            case SYNC -> "Sync";
            case TERMINATE -> "Terminate";
            default -> null;
        };
    }

    private static String backendName(byte type) {
        return switch (type) {
            case AUTHENTICATION -> "Authentication";
            case BACKEND_KEY_DATA -> "BackendKeyData";
            case BIND_COMPLETE -> "BindComplete";
            case CLOSE_COMPLETE -> "CloseComplete";
            case COMMAND_COMPLETE -> "CommandComplete";
            case COPY_IN_RESPONSE -> "CopyInResponse";
            case COPY_OUT_RESPONSE -> "CopyOutResponse";
            case COPY_BOTH_RESPONSE -> "CopyBothResponse";
            case DATA_ROW -> "DataRow";
            case EMPTY_QUERY_RESPONSE -> "EmptyQueryResponse";
            case ERROR_RESPONSE -> "ErrorResponse";
            case FUNCTION_CALL_RESPONSE -> "FunctionCallResponse";
            case NEGOTIATE_PROTOCOL_VERSION -> "NegotiateProtocolVersion";
            case NO_DATA -> "NoData";
            case NOTICE_RESPONSE -> "NoticeResponse";
            case NOTIFICATION_RESPONSE -> "NotificationResponse";
            case PARAMETER_DESCRIPTION -> "ParameterDescription";
            case PARAMETER_STATUS -> "ParameterStatus";
            case PARSE_COMPLETE -> "ParseComplete";
            case PORTAL_SUSPENDED -> "PortalSuspended";
            case READY_FOR_QUERY -> "ReadyForQuery";
            case ROW_DESCRIPTION -> "RowDescription";
            case COPY_DATA -> "CopyData";
            case COPY_DONE -> "CopyDone";
            default -> null;
        };
    }
}
