package io.pgmux.config;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Table and column names in the configuration, folded as PostgreSQL folds identifiers in SQL, so that a
 * name matches the table a query names however either was spelt: {@code Orders} is {@code orders},
 * {@code "Orders"} (double quotes, which YAML needs inside single quotes: {@code '"Orders"'}) is
 * {@code Orders} exactly.
 */
final class Identifiers {

    /** PostgreSQL truncates longer names (NAMEDATALEN - 1 bytes); a truncated name would never match. */
    static final int MAX_BYTES = 63;

    // What PostgreSQL's lexer takes as an unquoted identifier: any non-ASCII character counts as a letter.
    private static final Pattern UNQUOTED =
            Pattern.compile("(?:[A-Za-z_]|[^\\x00-\\x7F])(?:[A-Za-z0-9_$]|[^\\x00-\\x7F])*");

    static final String EXPECTED = "expected a bare name (letters, digits, _ and $, no schema)"
            + " or a double-quoted one such as '\"Orders\"'";

    private Identifiers() {
    }

    /**
     * The name PostgreSQL would look up: unquoted ASCII letters lower-cased (as PostgreSQL does; other
     * letters are kept), or the text between double quotes exactly, with {@code ""} standing for {@code "}.
     *
     * @throws IllegalArgumentException when the text is not one identifier
     */
    static String fold(String text) {
        String name;
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        } else if (text.startsWith("\"")) {
            String inner = text.length() >= 3 && text.endsWith("\"") ? text.substring(1, text.length() - 1) : null;
            if (inner == null || inner.replace("\"\"", "").contains("\"")) {
                throw new IllegalArgumentException(EXPECTED);
            }
            name = inner.replace("\"\"", "\"");
        } else if (UNQUOTED.matcher(text).matches()) {
            name = lowerAscii(text);
        } else {
            throw new IllegalArgumentException(EXPECTED);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("longer than " + MAX_BYTES + " bytes: PostgreSQL would truncate it");
        }
        return name;
    }

    private static String lowerAscii(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            s.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return s.toString();
    }
}
