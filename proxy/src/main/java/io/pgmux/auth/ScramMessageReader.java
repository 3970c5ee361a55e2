package io.pgmux.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A cursor over a SCRAM message's comma-separated {@code name=value} attributes (RFC 5802 §7).
 * Every parse error is a {@link ScramException#protocol protocol} error whose message names the
 * attribute but never quotes values, since those can be proofs or signatures.
 */
final class ScramMessageReader {

    private final String message;
    private int pos;

    ScramMessageReader(String message) {
        this.message = message;
    }

    /**
     * Decodes a wire message. Strict UTF-8, because the message is hashed into AuthMessage: a
     * lenient decode that replaced bad bytes would hash something the peer never sent. NUL is
     * rejected because PostgreSQL treats these messages as C strings.
     */
    static String decode(byte[] bytes, String what) throws ScramException {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ScramException.protocol("malformed SCRAM message: " + what + " is not valid UTF-8");
        }
        if (s.indexOf('\0') >= 0) {
            throw ScramException.protocol("malformed SCRAM message: " + what + " contains NUL");
        }
        return s;
    }

    /** RFC 5802 "printable": %x21-2B / %x2D-7E, i.e. visible ASCII without the comma. */
    static boolean isPrintable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    /** Strict base64 (RFC 4648 alphabet, no whitespace); the message never echoes the input. */
    static byte[] base64(String value, String what) throws ScramException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw ScramException.protocol("malformed SCRAM message: " + what + " is not valid base64");
        }
    }

    boolean atEnd() {
        return pos == message.length();
    }

    /** Offset of the next attribute, e.g. to cut client-final-message-without-proof. */
    int position() {
        return pos;
    }

    /** The name of the next attribute without consuming it. */
    char peekName() throws ScramException {
        if (pos + 1 >= message.length() || message.charAt(pos + 1) != '=' || !isAlpha(message.charAt(pos))) {
            throw ScramException.protocol("malformed SCRAM message: expected an attribute");
        }
        return message.charAt(pos);
    }

    /** Consumes attribute {@code name} and the comma after it, returning its value. */
    String read(char name) throws ScramException {
        if (atEnd() || peekName() != name) {
            throw ScramException.protocol("malformed SCRAM message: expected attribute '" + name + "'");
        }
        int start = pos + 2;
        int comma = message.indexOf(',', start);
        int end = comma < 0 ? message.length() : comma;
        pos = comma < 0 ? end : comma + 1;
        if (comma >= 0 && atEnd()) {
            throw ScramException.protocol("malformed SCRAM message: trailing comma");
        }
        return message.substring(start, end);
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
