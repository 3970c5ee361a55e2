package io.pgmux.routing;

import io.pgmux.routing.SqlLexer.Kind;
import io.pgmux.routing.SqlLexer.Token;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the statements that create session state a later transaction on another server connection
 * would miss (the list RDS Proxy pins on and Supavisor's txn_mode_leak_action checks): SET of an
 * untracked setting, set_config(..., false), LISTEN, session advisory locks, temporary tables,
 * DECLARE ... WITH HOLD, SQL PREPARE. Settings pgmux tracks through ParameterStatus (TimeZone,
 * application_name...) are replayed instead, so they do not count.
 */
public final class SessionStateClassifier {
    private final Set<String> tracked;

    /** @param trackedParameters settings pgmux replays on every server switch, any case */
    public SessionStateClassifier(List<String> trackedParameters) {
        Set<String> lower = new java.util.HashSet<>();
        for (String p : trackedParameters) {
            lower.add(p.toLowerCase(Locale.ROOT));
        }
        lower.add("timezone");
        this.tracked = lower;
    }

    /**
     * Cheap pre-check on the raw query: false means no statement in it can create or clear session
     * state, so the full classification can be skipped (the hot path: plain SELECT/INSERT/UPDATE).
     */
    public static boolean mightMatter(String sql) {
        String s = sql.toLowerCase(Locale.ROOT);
        if (STATE_WORDS.contains(firstWord(s))) {
            return true;
        }
        int semicolon = s.indexOf(';');
        boolean several = semicolon >= 0 && !s.substring(semicolon + 1).isBlank();
        return several || s.contains("advisory") || s.contains("set_config") || s.contains("temp");
    }

    private static final Set<String> STATE_WORDS = Set.of("set", "reset", "listen", "unlisten", "create", "declare",
            "close", "prepare", "deallocate", "discard");

    /** The first word after blanks and comments (a comment at the start is how hints and ORMs tag queries). */
    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (s.startsWith("--", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i);
    }

    public SessionEffect classify(String sql) {
        if (!mightMatter(sql)) {
            return SessionEffect.NONE;
        }
        EnumSet<PinReason> adds = EnumSet.noneOf(PinReason.class);
        EnumSet<PinReason> clears = EnumSet.noneOf(PinReason.class);
        String statement = "";
        for (List<Token> st : statements(SqlLexer.tokens(sql))) {
            int before = adds.size();
            String trigger = classifyStatement(st, adds, clears);
            if (adds.size() > before && statement.isEmpty()) {
                // the statement's keyword and what it names: "SET work_mem", "SELECT pg_advisory_lock"
                statement = trigger != null ? st.get(0).text().toUpperCase(Locale.ROOT) + " " + trigger : describe(st);
            }
        }
        if (adds.isEmpty() && clears.isEmpty()) {
            return SessionEffect.NONE;
        }
        return new SessionEffect(adds, clears, statement);
    }

    /** Classifies one statement; returns the function that created state when it was a call, else null. */
    private String classifyStatement(List<Token> t, Set<PinReason> adds, Set<PinReason> clears) {
        if (t.isEmpty()) {
            return null;
        }
        String first = t.get(0).kind() == Kind.WORD ? t.get(0).text() : "";
        switch (first) {
            case "set" -> set(t, adds);
            case "reset" -> {
                if (word(t, 1, "all")) {
                    clears.add(PinReason.SET);
                }
            }
            case "listen" -> adds.add(PinReason.LISTEN);
            case "unlisten" -> {
                if (t.size() > 1 && t.get(1).text().equals("*")) {
                    clears.add(PinReason.LISTEN);
                }
            }
            case "create" -> {
                if (word(t, 1, "temp") || word(t, 1, "temporary")
                        || ((word(t, 1, "global") || word(t, 1, "local")) && (word(t, 2, "temp") || word(t, 2, "temporary")))) {
                    adds.add(PinReason.TEMP_TABLE);
                }
            }
            case "declare" -> {
                for (int i = 1; i + 1 < t.size(); i++) {
                    if (word(t, i, "with") && word(t, i + 1, "hold")) {
                        adds.add(PinReason.HOLD_CURSOR);
                    }
                }
            }
            case "close" -> {
                if (word(t, 1, "all")) {
                    clears.add(PinReason.HOLD_CURSOR);
                }
            }
            case "prepare" -> {
                if (!word(t, 1, "transaction")) {
                    adds.add(PinReason.PREPARE); // PREPARE TRANSACTION is two-phase commit, not this
                }
            }
            case "deallocate" -> {
                if (word(t, 1, "all") || (word(t, 1, "prepare") && word(t, 2, "all"))) {
                    clears.add(PinReason.PREPARE);
                }
            }
            case "discard" -> {
                if (word(t, 1, "all")) {
                    clears.addAll(EnumSet.allOf(PinReason.class));
                } else if (word(t, 1, "temp") || word(t, 1, "temporary")) {
                    clears.add(PinReason.TEMP_TABLE);
                }
            }
            default -> { }
        }
        int before = adds.size();
        String fn = functions(t, adds, clears);
        return adds.size() > before ? fn : null;
    }

    private void set(List<Token> t, Set<PinReason> adds) {
        int i = 1;
        if (word(t, i, "local") || word(t, i, "transaction")) {
            return; // ends with the transaction
        }
        if (word(t, i, "session")) {
            i++;
            if (word(t, i, "characteristics") || word(t, i, "authorization")) {
                adds.add(PinReason.SET);
                return;
            }
        }
        if (word(t, i, "time") && word(t, i + 1, "zone")) {
            return; // TimeZone is tracked
        }
        if (word(t, i, "names")) {
            return; // client_encoding is tracked
        }
        String name = settingName(t, i);
        if (name != null && !tracked.contains(name)) {
            adds.add(PinReason.SET);
        }
    }

    /** A possibly dotted setting name starting at token i, lower-cased unless quoted. */
    private static String settingName(List<Token> t, int i) {
        if (i >= t.size() || (t.get(i).kind() != Kind.WORD && t.get(i).kind() != Kind.QUOTED_IDENT)) {
            return null;
        }
        StringBuilder name = new StringBuilder(t.get(i).text());
        while (i + 2 < t.size() && t.get(i + 1).kind() == Kind.DOT) {
            name.append('.').append(t.get(i + 2).text());
            i += 2;
        }
        return name.toString().toLowerCase(Locale.ROOT);
    }

    private String functions(List<Token> t, Set<PinReason> adds, Set<PinReason> clears) {
        String found = null;
        for (int i = 0; i + 1 < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.kind() != Kind.WORD || t.get(i + 1).kind() != Kind.LPAREN) {
                if (word(t, i, "into") && (word(t, i + 1, "temp") || word(t, i + 1, "temporary"))) {
                    adds.add(PinReason.TEMP_TABLE); // SELECT ... INTO TEMP t
                }
                continue;
            }
            int before = adds.size();
            switch (tok.text()) {
                case "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
                        "pg_try_advisory_lock_shared" -> adds.add(PinReason.ADVISORY_LOCK);
                case "pg_advisory_unlock_all" -> clears.add(PinReason.ADVISORY_LOCK);
                case "set_config" -> setConfig(t, i + 2, adds);
                default -> { }
            }
            if (adds.size() > before && found == null) {
                found = tok.text();
            }
        }
        return found;
    }

    // set_config('name', value, is_local): only is_local = false outlives the transaction
    private void setConfig(List<Token> t, int argStart, Set<PinReason> adds) {
        List<List<Token>> args = arguments(t, argStart);
        boolean local = args.size() == 3 && args.get(2).size() == 1 && args.get(2).get(0).isWord("true");
        if (local) {
            return;
        }
        boolean knownName = !args.isEmpty() && args.get(0).size() == 1 && args.get(0).get(0).kind() == Kind.STRING;
        if (knownName && tracked.contains(args.get(0).get(0).text().toLowerCase(Locale.ROOT))) {
            return;
        }
        adds.add(PinReason.SET); // untracked, or not provably local: be safe
    }

    private static List<List<Token>> arguments(List<Token> t, int from) {
        List<List<Token>> args = new ArrayList<>();
        List<Token> cur = new ArrayList<>();
        int depth = 0;
        for (int i = from; i < t.size(); i++) {
            Token tok = t.get(i);
            if (tok.kind() == Kind.LPAREN) {
                depth++;
            } else if (tok.kind() == Kind.RPAREN) {
                if (depth-- == 0) {
                    break;
                }
            } else if (tok.kind() == Kind.COMMA && depth == 0) {
                args.add(cur);
                cur = new ArrayList<>();
                continue;
            }
            cur.add(tok);
        }
        args.add(cur);
        return args;
    }

    private static List<List<Token>> statements(List<Token> tokens) {
        List<List<Token>> out = new ArrayList<>();
        List<Token> cur = new ArrayList<>();
        for (Token t : tokens) {
            if (t.kind() == Kind.SEMICOLON) {
                out.add(cur);
                cur = new ArrayList<>();
            } else {
                cur.add(t);
            }
        }
        out.add(cur);
        return out;
    }

    private static boolean word(List<Token> t, int i, String w) {
        return i < t.size() && t.get(i).isWord(w);
    }

    /** The statement's keyword and what it names, e.g. {@code SET work_mem} or {@code LISTEN jobs}. */
    private static String describe(List<Token> t) {
        StringBuilder sb = new StringBuilder(t.get(0).text().toUpperCase(Locale.ROOT));
        for (int i = 1; i < Math.min(6, t.size()); i++) {
            Token tok = t.get(i);
            if (tok.kind() != Kind.WORD && tok.kind() != Kind.QUOTED_IDENT) {
                break;
            }
            boolean keyword = KEYWORDS.contains(tok.text());
            sb.append(' ').append(keyword ? tok.text().toUpperCase(Locale.ROOT) : tok.text());
            if (!keyword) {
                break;
            }
        }
        return sb.toString();
    }

    private static final Set<String> KEYWORDS = Set.of("session", "temp", "temporary", "table", "view", "sequence",
            "global", "local", "all");
}
