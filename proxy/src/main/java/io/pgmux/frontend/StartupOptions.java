package io.pgmux.frontend;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the startup packet's {@code options} value (libpq's PGOPTIONS) into settings:
 * {@code -c name=value} and {@code --name=value}, separated by spaces, with backslash escaping a
 * space or backslash inside a value. Other command-line switches make no sense through a pooler.
 */
public final class StartupOptions {
    private StartupOptions() {
    }

    public static Map<String, String> parse(String options) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] words = split(options);
        for (int i = 0; i < words.length; i++) {
            String w = words[i];
            String setting;
            if (w.equals("-c") && i + 1 < words.length) {
                setting = words[++i];
            } else if (w.startsWith("-c") && w.length() > 2) {
                setting = w.substring(2);
            } else if (w.startsWith("--") && w.length() > 2) {
                setting = w.substring(2);
            } else {
                throw unsupported(w);
            }
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw unsupported(w);
            }
            out.put(setting.substring(0, eq).replace('-', '_'), setting.substring(eq + 1));
        }
        return out;
    }

    private static String[] split(String s) {
        java.util.List<String> words = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escaped) {
                cur.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (Character.isWhitespace(c)) {
                if (cur.length() > 0) {
                    words.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) {
            words.add(cur.toString());
        }
        return words.toArray(new String[0]);
    }

    private static PgException unsupported(String word) {
        return new PgException(PgError.fatal(SqlState.PROTOCOL_VIOLATION,
                "unsupported startup parameter in options: " + word));
    }
}
