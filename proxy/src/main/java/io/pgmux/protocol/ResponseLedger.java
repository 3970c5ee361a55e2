package io.pgmux.protocol;

import java.util.function.Consumer;

import static io.pgmux.protocol.MessageTypes.*;

/**
 * What a server connection still owes, in order: one entry per request that gets a response.
 *
 * <p>Requests are the client's forwarded messages and the proxy's own injected ones (a parameter
 * sync, a re-Parse of a prepared statement). Each server message is matched against the head entry
 * to decide whether the client sees it and when the entry is done. Entries the proxy answers itself
 * ({@link #addSynthetic}) are handed back through {@link #pollSynthetic()} as soon as they reach the
 * head, which is exactly where the server would have answered them.
 *
 * <p>It implements the extended protocol's error rule: after an ErrorResponse the server discards
 * every message until the next Sync, so the entries in between are dropped, and requests added while
 * the server is still discarding are never entered. A ring of bytes, so tracking allocates nothing.
 */
public final class ResponseLedger {
    // request kinds
    public static final byte PARSE = 1;
    public static final byte BIND = 2;
    public static final byte DESCRIBE_STATEMENT = 3;
    public static final byte DESCRIBE_PORTAL = 4;
    public static final byte EXECUTE = 5;
    public static final byte CLOSE = 6;
    public static final byte SYNC = 7;
    public static final byte QUERY = 8;
    public static final byte FUNCTION_CALL = 9;
    /**
     * A marker, not a request: the client ended a COPY (CopyDone or CopyFail) here. PostgreSQL ignores
     * a Sync it receives while copying in (libpq sends one right after an extended-protocol COPY), so
     * such Syncs must not be waited for; the marker tells which Syncs came before the copy's end.
     */
    public static final byte COPY_END = 10;

    private static final byte KIND = 0x0f;
    /** The server answers but the client did not ask: its responses are dropped (errors still shown). */
    private static final byte SWALLOW = 0x20;
    /** The server does not answer; the proxy answers with the stored message type when it is due. */
    private static final byte SYNTHETIC = 0x40;

    /** What to do with a server message. */
    public static final int FORWARD = 0;
    public static final int DROP = 1;
    /** An ErrorResponse to a swallowed simple query: the caller decides (the client never asked). */
    public static final int SWALLOWED_ERROR = 2;

    private byte[] codes = new byte[16];
    private Object[] payloads = new Object[16];
    private int head;
    private int size;
    private int pendingReadyForQuery;
    private boolean discardingUntilSync;
    /** The server is copying in and the client's CopyDone/CopyFail has not been seen: its Syncs are ignored. */
    private boolean ignoringSyncsUntilCopyEnd;
    private final Consumer<Object> onDropped;

    /** @param onDropped told of the payload of every entry dropped because of an error (to undo its effect) */
    public ResponseLedger(Consumer<Object> onDropped) {
        this.onDropped = onDropped;
    }

    public ResponseLedger() {
        this(p -> { });
    }

    /** Enters a forwarded client request. Returns false when the server will discard it (no entry made). */
    public boolean add(byte kind) {
        return push(kind, null);
    }

    /**
     * Enters a forwarded client request with an undo action: if the request fails, or is discarded
     * behind an earlier failure, {@code undo} goes to the ledger's onDropped consumer.
     */
    public boolean add(byte kind, Object undo) {
        return push(kind, undo);
    }

    /** Enters a request the proxy injected; its responses are dropped. {@code undo} as for {@link #add(byte, Object)}. */
    public boolean addSwallowed(byte kind, Object undo) {
        return push((byte) (kind | SWALLOW), undo);
    }

    /** Enters a request the proxy answers itself with a bodiless message of {@code responseType}. */
    public boolean addSynthetic(byte kind, byte responseType) {
        return push((byte) (kind | SYNTHETIC), responseType);
    }

    /** Enters a request the proxy answers itself with {@code response}, rendered when it is due. */
    public boolean addSynthetic(byte kind, SyntheticResponse response) {
        return push((byte) (kind | SYNTHETIC), response);
    }

    private boolean push(byte code, Object payload) {
        byte kind = (byte) (code & KIND);
        if (kind == COPY_END) {
            ignoringSyncsUntilCopyEnd = false;
            if (size == 0) {
                return false; // nothing pending: a stray CopyDone, nothing to mark
            }
        } else if (kind == SYNC && ignoringSyncsUntilCopyEnd) {
            return false; // the server ignores a Sync during COPY IN
        }
        boolean ends = endsWithReadyForQuery(kind);
        if (discardingUntilSync && kind != SYNC) {
            if (payload != null && (code & SYNTHETIC) == 0) {
                onDropped.accept(payload);
            }
            return false;
        }
        if (kind == SYNC) {
            discardingUntilSync = false;
        }
        if (size == codes.length) {
            grow();
        }
        int at = (head + size) & (codes.length - 1);
        codes[at] = code;
        payloads[at] = payload;
        size++;
        if (ends) {
            pendingReadyForQuery++;
        }
        return true;
    }

    private static boolean endsWithReadyForQuery(byte kind) {
        return kind == SYNC || kind == QUERY || kind == FUNCTION_CALL;
    }

    private void grow() {
        byte[] c = new byte[codes.length * 2];
        Object[] p = new Object[codes.length * 2];
        for (int i = 0; i < size; i++) {
            c[i] = codes[(head + i) & (codes.length - 1)];
            p[i] = payloads[(head + i) & (codes.length - 1)];
        }
        codes = c;
        payloads = p;
        head = 0;
    }

    /**
     * If the head entry is one the proxy answers itself, removes it and returns its answer: a
     * {@link Byte} (type of a bodiless message) or a {@link SyntheticResponse}; otherwise null.
     * Call until it returns null after every add and every server message.
     */
    public Object pollSynthetic() {
        if (size == 0 || (codes[head] & SYNTHETIC) == 0) {
            return null;
        }
        Object answer = payloads[head];
        boolean ends = endsWithReadyForQuery((byte) (codes[head] & KIND));
        pop();
        if (ends) {
            pendingReadyForQuery--;
        }
        return answer;
    }

    /** Matches a server message against the head entry; returns {@link #FORWARD}, {@link #DROP} or {@link #SWALLOWED_ERROR}. */
    public int onServerMessage(byte type) {
        if (size == 0) {
            return FORWARD; // asynchronous (NOTICE, NOTIFY, ParameterStatus) or unexpected: the client decides
        }
        byte code = codes[head];
        byte kind = (byte) (code & KIND);
        boolean swallowed = (code & SWALLOW) != 0;
        switch (type) {
            case NOTIFICATION_RESPONSE:
                return FORWARD;
            case COPY_IN_RESPONSE:
                dropSyncsSentDuringCopy();
                return swallowed ? DROP : FORWARD;
            case ERROR_RESPONSE:
                return onError(kind, swallowed);
            case READY_FOR_QUERY:
                return onReadyForQuery();
            case PARSE_COMPLETE:
                return completeIf(kind == PARSE, swallowed);
            case BIND_COMPLETE:
                return completeIf(kind == BIND, swallowed);
            case CLOSE_COMPLETE:
                return completeIf(kind == CLOSE, swallowed);
            case ROW_DESCRIPTION:
            case NO_DATA:
                return completeIf(kind == DESCRIBE_STATEMENT || kind == DESCRIBE_PORTAL, swallowed);
            case COMMAND_COMPLETE:
            case PORTAL_SUSPENDED:
            case EMPTY_QUERY_RESPONSE:
                return completeIf(kind == EXECUTE, swallowed);
            default:
                return swallowed ? DROP : FORWARD;
        }
    }

    private int completeIf(boolean completes, boolean swallowed) {
        if (completes) {
            pop();
        }
        return swallowed ? DROP : FORWARD;
    }

    private int onError(byte kind, boolean swallowed) {
        if (endsWithReadyForQuery(kind)) {
            // simple query, function call or an error at Sync: ReadyForQuery still follows
            return swallowed ? SWALLOWED_ERROR : FORWARD;
        }
        // extended protocol: this request failed and the server now skips to the next Sync
        popUndoing();
        while (size > 0 && (codes[head] & KIND) != SYNC) {
            popUndoing();
        }
        if (size == 0) {
            discardingUntilSync = true;
        }
        return FORWARD;
    }

    private int onReadyForQuery() {
        // the head must end with ReadyForQuery; anything before it was lost track of (never expected)
        while (size > 0 && !endsWithReadyForQuery((byte) (codes[head] & KIND))) {
            pop();
        }
        if (size == 0) {
            return FORWARD;
        }
        boolean swallowed = (codes[head] & SWALLOW) != 0;
        pop();
        pendingReadyForQuery--;
        return swallowed ? DROP : FORWARD;
    }

    private void popUndoing() {
        Object payload = payloads[head];
        boolean undo = payload != null && (codes[head] & SYNTHETIC) == 0;
        pop();
        if (undo) {
            onDropped.accept(payload);
        }
    }

    private void pop() {
        payloads[head] = null;
        head = (head + 1) & (codes.length - 1);
        size--;
        while (size > 0 && (codes[head] & KIND) == COPY_END) {
            payloads[head] = null;
            head = (head + 1) & (codes.length - 1);
            size--;
        }
    }

    /**
     * The server entered COPY IN for the head request: Syncs the client sent after it and before its
     * CopyDone/CopyFail will be ignored by the server, so they are taken out (and later ones, until
     * the copy's end, never entered).
     */
    private void dropSyncsSentDuringCopy() {
        int i = 1;
        while (i < size) {
            int at = (head + i) & (codes.length - 1);
            byte kind = (byte) (codes[at] & KIND);
            if (kind == COPY_END) {
                return;
            }
            if (kind == SYNC) {
                removeAt(i);
                pendingReadyForQuery--;
            } else {
                i++;
            }
        }
        ignoringSyncsUntilCopyEnd = true;
    }

    private void removeAt(int i) {
        for (int k = i; k < size - 1; k++) {
            int to = (head + k) & (codes.length - 1);
            int from = (head + k + 1) & (codes.length - 1);
            codes[to] = codes[from];
            payloads[to] = payloads[from];
        }
        int last = (head + size - 1) & (codes.length - 1);
        payloads[last] = null;
        size--;
    }

    /** True when the server owes nothing: together with status 'I' the connection may be released. */
    public boolean isEmpty() {
        return size == 0 && !discardingUntilSync;
    }

    /**
     * Makes the next Sync's ReadyForQuery the proxy's own (dropped): used when a failed batch is
     * replayed, so the client sees only the replay's answers. Returns false when no Sync is queued.
     */
    public boolean swallowNextSync() {
        for (int i = 0; i < size; i++) {
            int at = (head + i) & (codes.length - 1);
            if ((codes[at] & KIND) == SYNC) {
                codes[at] |= SWALLOW;
                return true;
            }
        }
        return false;
    }

    /** The kind of the head entry and whether the proxy injected it, for callers that must know which request failed. */
    public boolean headIs(byte kind, boolean swallowed) {
        return size > 0 && (codes[head] & KIND) == kind && ((codes[head] & SWALLOW) != 0) == swallowed;
    }

    /** The ledger kind of a frontend message (0 for those without an answer), {@code subtype} for Describe. */
    public static byte kindOf(byte messageType, byte subtype) {
        return switch (messageType) {
            case PARSE_MESSAGE -> PARSE;
            case BIND_MESSAGE -> BIND;
            case DESCRIBE_MESSAGE -> subtype == 'S' ? DESCRIBE_STATEMENT : DESCRIBE_PORTAL;
            case EXECUTE_MESSAGE -> EXECUTE;
            case CLOSE_MESSAGE -> CLOSE;
            case SYNC_MESSAGE -> SYNC;
            case QUERY_MESSAGE -> QUERY;
            case FUNCTION_CALL_MESSAGE -> FUNCTION_CALL;
            default -> 0;
        };
    }

    private static final byte PARSE_MESSAGE = 'P';
    private static final byte BIND_MESSAGE = 'B';
    private static final byte DESCRIBE_MESSAGE = 'D';
    private static final byte EXECUTE_MESSAGE = 'E';
    private static final byte CLOSE_MESSAGE = 'C';
    private static final byte SYNC_MESSAGE = 'S';
    private static final byte QUERY_MESSAGE = 'Q';
    private static final byte FUNCTION_CALL_MESSAGE = 'F';

    /** True while the server is skipping messages until the next Sync after an error. */
    public boolean isDiscarding() {
        return discardingUntilSync;
    }

    /** ReadyForQuery messages still owed. */
    public int pendingReadyForQuery() {
        return pendingReadyForQuery;
    }

    /** The payload of the head entry (an undo action, a synthetic answer, or what the proxy attached), or null. */
    public Object headPayload() {
        return size == 0 ? null : payloads[head];
    }

    /** True while the head entry's responses are being dropped. */
    public boolean headSwallowed() {
        return size > 0 && (codes[head] & SWALLOW) != 0;
    }

    /** Forgets everything, e.g. when the server connection is gone. */
    public void clear() {
        while (size > 0) {
            pop();
        }
        head = 0;
        pendingReadyForQuery = 0;
        discardingUntilSync = false;
        ignoringSyncsUntilCopyEnd = false;
    }
}
