package io.pgmux.routing;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.nio.charset.StandardCharsets;

/**
 * A look at SQL bytes before any String is made: which kinds of reading a statement may need. On
 * the hot path almost every query is a plain SELECT/INSERT/UPDATE that needs none, and this costs
 * one copy into a per-thread array and one pass over it, with no allocation. False positives only
 * cost a full read.
 */
public final class SqlPeek {
    private SqlPeek() {
    }

    /** May create or clear session state (see {@link SessionStateClassifier}). */
    public static final int SESSION_STATE = 1;
    /** May return settings to their reset values (RESET, DISCARD, SET ... DEFAULT). */
    public static final int RESET = 2;
    /** DEALLOCATE or DISCARD: named statements may go. */
    public static final int STATEMENTS = 4;

    /** SQL longer than this is not scanned but reported as needing every kind of reading. */
    private static final int MAX_SCAN = 16 * 1024;
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[MAX_SCAN];
        }
    };

    private static final byte[][] STATE_WORDS = words("set", "reset", "listen", "unlisten", "create", "declare",
            "close", "prepare", "deallocate", "discard");
    private static final int SET = 0;
    private static final int RESET_WORD = 1;
    private static final int DEALLOCATE_WORD = 8;
    private static final int DISCARD_WORD = 9;
    private static final byte[] ADVISORY = bytes("advisory");
    private static final byte[] SET_CONFIG = bytes("set_config");
    private static final byte[] TEMP = bytes("temp");
    private static final byte[] DEFAULT = bytes("default");

    /** Flags for the SQL in {@code buf[from, to)} (a C string: reading stops at a NUL). */
    public static int peek(ByteBuf buf, int from, int to) {
        int n = to - from;
        if (n > MAX_SCAN) {
            return SESSION_STATE | RESET | STATEMENTS;
        }
        byte[] b = SCRATCH.get();
        buf.getBytes(from, b, 0, n);
        return peek(b, n);
    }

    static int peek(byte[] b, int n) {
        int end = 0;
        while (end < n && b[end] != 0) {
            end++;
        }
        int start = skipBlanks(b, 0, end);
        int wordEnd = start;
        while (wordEnd < end && isLetter(b[wordEnd])) {
            wordEnd++;
        }
        int first = -1;
        for (int i = 0; i < STATE_WORDS.length; i++) {
            if (equalsIgnoreCase(b, start, wordEnd, STATE_WORDS[i])) {
                first = i;
                break;
            }
        }
        int flags = first >= 0 ? SESSION_STATE : 0;
        if (first == RESET_WORD || first == DISCARD_WORD) {
            flags |= RESET;
        }
        if (first == DEALLOCATE_WORD || first == DISCARD_WORD) {
            flags |= STATEMENTS;
        }
        // one pass over the rest: words that matter anywhere, and a second statement
        for (int i = wordEnd; i < end; i++) {
            switch (b[i] | 0x20) {
                case 'a' -> flags |= startsWithIgnoreCase(b, i, end, ADVISORY) ? SESSION_STATE : 0;
                case 's' -> flags |= startsWithIgnoreCase(b, i, end, SET_CONFIG) ? SESSION_STATE : 0;
                case 't' -> flags |= startsWithIgnoreCase(b, i, end, TEMP) ? SESSION_STATE : 0;
                case 'd' -> flags |= first == SET && startsWithIgnoreCase(b, i, end, DEFAULT) ? RESET : 0;
                case ';' | 0x20 -> flags |= secondStatementAfter(b, i, end) ? SESSION_STATE | RESET | STATEMENTS : 0;
                default -> {
                }
            }
        }
        return flags;
    }

    private static int skipBlanks(byte[] b, int i, int end) {
        while (i < end) {
            byte c = b[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < end && b[i + 1] == '-') {
                while (i < end && b[i] != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < end && b[i + 1] == '*') {
                i = endOfBlockComment(b, i, end);
            } else {
                return i;
            }
        }
        return i;
    }

    private static int endOfBlockComment(byte[] b, int i, int end) {
        int depth = 0;
        while (i + 1 < end) {
            if (b[i] == '/' && b[i + 1] == '*') {
                depth++;
                i += 2;
            } else if (b[i] == '*' && b[i + 1] == '/') {
                i += 2;
                if (--depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return end;
    }

    /** A ';' at {@code i} followed by anything but blanks: more than one statement. */
    private static boolean secondStatementAfter(byte[] b, int i, int end) {
        if (b[i] != ';') {
            return false;
        }
        for (int k = i + 1; k < end; k++) {
            byte c = b[k];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';') {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int i, int end, byte[] lowerWord) {
        return i + lowerWord.length <= end && equalsIgnoreCase(b, i, i + lowerWord.length, lowerWord);
    }

    private static boolean equalsIgnoreCase(byte[] b, int from, int to, byte[] lowerWord) {
        if (to - from != lowerWord.length) {
            return false;
        }
        for (int k = 0; k < lowerWord.length; k++) {
            byte c = b[from + k];
            if (c != lowerWord[k] && (c | 0x20) != lowerWord[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[][] words(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = bytes(words[i]);
        }
        return out;
    }
}
