package io.pgmux.routing;

import io.netty.buffer.ByteBuf;

/**
 * A look at SQL bytes before any String is made: which kinds of reading a statement may need. On
 * the hot path almost every query is a plain SELECT/INSERT/UPDATE that needs none, and this costs
 * one pass over the bytes with no allocation. False positives only cost a full read.
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

    private static final byte[][] STATE_WORDS = words("set", "reset", "listen", "unlisten", "create", "declare",
            "close", "prepare", "deallocate", "discard");
    private static final byte[][] STATE_SUBSTRINGS = words("advisory", "set_config", "temp");

    /** Flags for the SQL in {@code buf[from, to)} (a C string: reading stops at a NUL). */
    public static int peek(ByteBuf buf, int from, int to) {
        int nul = buf.indexOf(from, to, (byte) 0);
        int end = nul < 0 ? to : nul;
        int start = skipBlanks(buf, from, end);
        int wordEnd = start;
        while (wordEnd < end && isLetter(buf.getByte(wordEnd))) {
            wordEnd++;
        }
        int flags = 0;
        for (byte[] w : STATE_WORDS) {
            if (equalsIgnoreCase(buf, start, wordEnd, w)) {
                flags |= SESSION_STATE;
                break;
            }
        }
        if (equalsIgnoreCase(buf, start, wordEnd, STATE_WORDS[1]) || equalsIgnoreCase(buf, start, wordEnd, STATE_WORDS[9])) {
            flags |= RESET; // reset, discard
        }
        if (equalsIgnoreCase(buf, start, wordEnd, STATE_WORDS[0]) && contains(buf, wordEnd, end, DEFAULT)) {
            flags |= RESET; // SET name TO DEFAULT
        }
        if (equalsIgnoreCase(buf, start, wordEnd, STATE_WORDS[8]) || equalsIgnoreCase(buf, start, wordEnd, STATE_WORDS[9])) {
            flags |= STATEMENTS; // deallocate, discard
        }
        if ((flags & SESSION_STATE) == 0) {
            for (byte[] s : STATE_SUBSTRINGS) {
                if (contains(buf, wordEnd, end, s)) {
                    flags |= SESSION_STATE;
                    break;
                }
            }
        }
        if ((flags & (SESSION_STATE | RESET)) != (SESSION_STATE | RESET) && hasSecondStatement(buf, wordEnd, end)) {
            flags |= SESSION_STATE | RESET | STATEMENTS; // a batch: read it all
        }
        return flags;
    }

    private static final byte[] DEFAULT = "default".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static int skipBlanks(ByteBuf buf, int i, int end) {
        while (i < end) {
            byte c = buf.getByte(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(') {
                i++;
            } else if (c == '-' && i + 1 < end && buf.getByte(i + 1) == '-') {
                int nl = buf.indexOf(i, end, (byte) '\n');
                i = nl < 0 ? end : nl + 1;
            } else if (c == '/' && i + 1 < end && buf.getByte(i + 1) == '*') {
                i = endOfBlockComment(buf, i, end);
            } else {
                return i;
            }
        }
        return i;
    }

    private static int endOfBlockComment(ByteBuf buf, int i, int end) {
        int depth = 0;
        while (i + 1 < end) {
            byte c = buf.getByte(i);
            byte d = buf.getByte(i + 1);
            if (c == '/' && d == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && d == '/') {
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

    /** A ';' followed by anything but blanks: more than one statement. */
    private static boolean hasSecondStatement(ByteBuf buf, int from, int end) {
        int semicolon = buf.indexOf(from, end, (byte) ';');
        if (semicolon < 0) {
            return false;
        }
        for (int i = semicolon + 1; i < end; i++) {
            byte c = buf.getByte(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ';') {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(ByteBuf buf, int from, int end, byte[] lowerWord) {
        byte first = lowerWord[0];
        for (int i = from; i + lowerWord.length <= end; i++) {
            if ((buf.getByte(i) | 0x20) == first && equalsIgnoreCase(buf, i, i + lowerWord.length, lowerWord)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsIgnoreCase(ByteBuf buf, int from, int to, byte[] lowerWord) {
        if (to - from != lowerWord.length) {
            return false;
        }
        for (int k = 0; k < lowerWord.length; k++) {
            byte c = buf.getByte(from + k);
            byte w = lowerWord[k];
            if (c != w && (c | 0x20) != w) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static byte[][] words(String... words) {
        byte[][] out = new byte[words.length][];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }
}
