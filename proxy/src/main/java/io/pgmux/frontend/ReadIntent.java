package io.pgmux.frontend;

import io.pgmux.protocol.PgError;
import io.pgmux.protocol.PgException;
import io.pgmux.protocol.SqlState;

import java.util.Locale;
import java.util.Map;

/**
 * What a client's startup parameters say about where its work may run: {@code target_session_attrs}
 * (libpq's names; pgmux takes it out of the parameters, PostgreSQL would refuse it) and
 * {@code default_transaction_read_only} (kept: the servers apply it too).
 */
final class ReadIntent {
    static final String TARGET_SESSION_ATTRS = "target_session_attrs";

    private ReadIntent() {
    }

    static SessionRouting.Intent of(Map<String, String> params) {
        String attrs = params.remove(TARGET_SESSION_ATTRS);
        if (attrs != null) {
            switch (attrs.toLowerCase(Locale.ROOT)) {
                case "read-only", "standby", "prefer-standby" -> {
                    return SessionRouting.Intent.READ_ONLY;
                }
                case "read-write", "primary" -> {
                    return SessionRouting.Intent.PRIMARY;
                }
                case "any" -> {
                }
                default -> throw new PgException(PgError.fatal(SqlState.INVALID_PARAMETER_VALUE,
                        "invalid value for parameter \"" + TARGET_SESSION_ATTRS + "\": \"" + attrs + "\"")
                        .withHint("valid values are any, read-write, read-only, primary, standby and prefer-standby"));
            }
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equalsIgnoreCase("default_transaction_read_only") && isOn(e.getValue())) {
                return SessionRouting.Intent.READ_ONLY;
            }
        }
        return SessionRouting.Intent.ANY;
    }

    /** PostgreSQL's boolean spellings of true (on, true, yes, 1 and their prefixes). */
    static boolean isOn(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("on") || (!s.isEmpty() && ("true".startsWith(s) || "yes".startsWith(s))) || s.equals("1");
    }

    /** PostgreSQL's boolean spellings of false (off, false, no, 0 and their prefixes, but not "o"). */
    static boolean isOff(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        return s.equals("off") || s.equals("of") || s.equals("0")
                || (!s.isEmpty() && ("false".startsWith(s) || "no".startsWith(s)));
    }
}
