package io.pgmux.admin;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One parsed admin console statement.
 *
 * @param verb     what to do
 * @param argument SHOW's subject (upper case), the database of PAUSE/RESUME/KILL/RECONNECT (null
 *                 for all), or SET's key (lower case)
 * @param value    SET's value (quotes removed), otherwise null
 */
public record AdminCommand(Verb verb, String argument, String value) {

    /** The console's commands, in the order SHOW HELP lists them. */
    public enum Verb {
        SHOW("SHOW POOLS|STATS|STATS_TOTALS|STATS_AVERAGES|CLIENTS|SERVERS|DATABASES|USERS|CONFIG|LISTS|VERSION|HELP",
                "show state; pgmux adds SHOW BACKENDS|BREAKERS|PINNED|PREPARED"),
        PAUSE("PAUSE [db]", "hold new transactions and close every server connection; returns when all are closed"),
        RESUME("RESUME [db]", "end a PAUSE"),
        RECONNECT("RECONNECT [db]", "close each server connection when it is released, so new ones are opened"),
        KILL("KILL db", "close every client and server connection of the database at once"),
        RELOAD("RELOAD", "read the configuration file again and apply it"),
        SET("SET key = value", "change a setting at run time (see SHOW CONFIG, column changeable)"),
        SHUTDOWN("SHUTDOWN", "graceful shutdown, as on SIGTERM");

        private final String syntax;
        private final String description;

        Verb(String syntax, String description) {
            this.syntax = syntax;
            this.description = description;
        }

        public String syntax() {
            return syntax;
        }

        public String description() {
            return description;
        }

        /** The command tag of the CommandComplete message: PgBouncer answers SHOW for every SHOW. */
        public String tag() {
            return name();
        }

        static Verb of(String word) {
            for (Verb v : values()) {
                if (v.name().equalsIgnoreCase(word)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** SHOW's subjects, as SHOW HELP lists them. */
    public static final List<String> SHOW_SUBJECTS = List.of("POOLS", "STATS", "STATS_TOTALS", "STATS_AVERAGES",
            "CLIENTS", "SERVERS", "DATABASES", "USERS", "CONFIG", "LISTS", "VERSION", "HELP", "BACKENDS", "BREAKERS",
            "PINNED", "PREPARED");

    public AdminCommand {
        Objects.requireNonNull(verb, "verb");
    }

    /** The usage lines of every command, for SHOW HELP and the hint of a syntax error. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        for (Verb v : Verb.values()) {
            sb.append(sb.length() == 0 ? "" : "\n").append(v.syntax());
        }
        return sb.toString();
    }

    static AdminCommand show(String subject) {
        return new AdminCommand(Verb.SHOW, subject.toUpperCase(Locale.ROOT), null);
    }
}
