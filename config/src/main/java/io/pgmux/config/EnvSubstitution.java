package io.pgmux.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in scalar values; {@code $$} is a literal
 * {@code $}. A {@code $} followed by anything else is kept as is, so SCRAM verifiers need no escaping.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {
    }

    /**
     * @throws IllegalArgumentException naming the variable, never the value or the text around it
     */
    static String apply(String text, Map<String, String> env) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c != '$' || (next != '$' && next != '{')) {
                out.append(c);
                i++;
            } else if (next == '$') {
                out.append('$');
                i += 2;
            } else {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated ${ (write $$ for a literal $)");
                }
                out.append(expand(text.substring(i + 2, close), env));
                i = close + 1;
            }
        }
        return out.toString();
    }

    private static String expand(String body, Map<String, String> env) {
        int sep = body.indexOf(":-");
        String name = sep < 0 ? body : body.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "invalid environment variable reference; expected ${NAME} or ${NAME:-default}");
        }
        String value = env.get(name);
        if (sep >= 0) {
            // Like the shell's ${VAR:-x}: an empty variable also takes the default.
            return value == null || value.isEmpty() ? body.substring(sep + 2) : value;
        }
        if (value == null) {
            throw new IllegalArgumentException("environment variable '" + name + "' is not set");
        }
        return value;
    }
}
