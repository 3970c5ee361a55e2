package io.pgmux.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** RFC 3986 percent-encoding of UTF-8 text, as libpq reads and writes connection URIs. */
final class PercentCodec {

    private static final String UNRESERVED = "-._~";

    private PercentCodec() {
    }

    /**
     * Decodes {@code %XX} escapes; unlike {@code URLDecoder} a {@code +} stays a plus.
     *
     * @param what names the URL part in the error, which never shows the text itself
     * @throws IllegalArgumentException on a bad escape or bytes that are not UTF-8
     */
    static String decode(String text, String what) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int percent = text.indexOf('%', i);
            int end = percent < 0 ? text.length() : percent;
            bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
            if (percent < 0) {
                break;
            }
            i = percent;
            int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                throw new IllegalArgumentException("invalid percent-encoding in the " + what);
            }
            bytes.write(hi << 4 | lo);
            i += 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("invalid percent-encoding in the " + what);
        }
    }

    /** Encodes everything but RFC 3986 unreserved characters, so the result parses back unchanged. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || UNRESERVED.indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
