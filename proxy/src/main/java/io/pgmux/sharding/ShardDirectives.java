package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.List;
import java.util.Locale;

/**
 * The two ways a client names its shard outright: a {@code SET}/{@code RESET} of
 * {@code pgmux.shard} or {@code pgmux.shard_key}, and a {@code pgmux:} comment
 * ({@code /* pgmux: shard_key=42 *}{@code /}, {@code shard=2}, {@code all_shards}; {@code --}
 * comments too).
 */
final class ShardDirectives {
    private static final String SHARD = "shard";
    private static final String SHARD_KEY = "shard_key";

    private ShardDirectives() {
    }

    /**
     * The SET or RESET of a {@code pgmux.*} setting in {@code t}, or null when there is none. Such a
     * statement must come alone: the proxy answers it itself.
     */
    static ShardHint setting(TokenList t) {
        int statements = 0;
        ShardHint found = null;
        int start = 0;
        for (int i = 0; i <= t.size(); i++) {
            if (i < t.size() && !t.is(i, Kind.SEMICOLON)) {
                continue;
            }
            if (i > start) {
                statements++;
                ShardHint h = setStatement(t, start, i);
                found = found != null ? found : h;
            }
            start = i + 1;
        }
        if (found != null && statements > 1) {
            return new ShardHint.BadShardSetting("SET of a pgmux setting must be sent as a query of its own");
        }
        return found;
    }

    /** {@code SET [SESSION|LOCAL] pgmux.name {=|TO} value} or {@code RESET pgmux.name} in [from, to). */
    private static ShardHint setStatement(TokenList t, int from, int to) {
        boolean reset = t.isWord(from, "reset");
        if (!reset && !t.isWord(from, "set")) {
            return null;
        }
        int i = from + 1;
        boolean local = !reset && t.isWord(i, "local");
        if (!reset && (local || t.isWord(i, "session"))) {
            i++;
        }
        if (!isName(t, i) || !t.identifier(i).equals("pgmux") || !t.is(i + 1, Kind.DOT) || !isName(t, i + 2)) {
            return null;
        }
        String name = t.identifier(i + 2);
        if (!name.equals(SHARD) && !name.equals(SHARD_KEY)) {
            return new ShardHint.BadShardSetting("unrecognized configuration parameter \"pgmux." + name + "\"");
        }
        i += 3;
        if (reset) {
            return i == to ? new ShardHint.ResetShard("pgmux." + name) : bad(name);
        }
        if (!t.isOperator(i, "=") && !t.isWord(i, "to")) {
            return bad(name);
        }
        i++;
        String sign = "";
        if ((t.isOperator(i, "-") || t.isOperator(i, "+")) && t.is(i + 1, Kind.NUMBER)) {
            sign = t.text(i);
            i++;
        }
        if (i + 1 != to) {
            return bad(name); // no value, or a list of values
        }
        if (t.isWord(i, "default")) {
            return new ShardHint.ResetShard("pgmux." + name);
        }
        String value = switch (t.kind(i)) {
            case STRING -> t.string(i);
            case NUMBER -> sign + t.text(i);
            case WORD, QUOTED_IDENT -> t.identifier(i);
            default -> null;
        };
        if (value == null) {
            return bad(name);
        }
        if (name.equals(SHARD_KEY)) {
            return new ShardHint.SetShardKey(value, local);
        }
        int shard = shardNumber(value);
        return shard >= 0 ? new ShardHint.SetShard(shard, local)
                : new ShardHint.BadShardSetting("invalid value for parameter \"pgmux.shard\": \"" + value + "\"");
    }

    private static ShardHint bad(String name) {
        return new ShardHint.BadShardSetting("syntax error in SET or RESET of pgmux." + name);
    }

    private static boolean isName(TokenList t, int i) {
        return t.is(i, Kind.WORD) || t.is(i, Kind.QUOTED_IDENT);
    }

    /** The first {@code pgmux:} comment's hint, or null. */
    static ShardHint comment(List<String> comments) {
        for (String c : comments) {
            String s = c.strip();
            if (!s.regionMatches(true, 0, "pgmux", 0, 5)) {
                continue;
            }
            s = s.substring(5).stripLeading();
            if (!s.startsWith(":")) {
                continue;
            }
            ShardHint h = hint(s.substring(1).strip());
            if (h != null) {
                return h;
            }
        }
        return null;
    }

    /** {@code all_shards}, {@code shard=2} or {@code shard_key=42} (value optionally quoted); else null. */
    private static ShardHint hint(String s) {
        if (s.equalsIgnoreCase("all_shards")) {
            return ShardHint.ALL_SHARDS;
        }
        int eq = s.indexOf('=');
        if (eq < 0) {
            return null;
        }
        String name = s.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = unquote(s.substring(eq + 1).strip());
        if (name.equals(SHARD_KEY) && !value.isEmpty()) {
            return new ShardHint.Keys(List.of(new KeyRef.Literal(value)));
        }
        int shard = name.equals(SHARD) ? shardNumber(value) : -1;
        return shard >= 0 ? new ShardHint.ExplicitShard(shard) : null;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** A shard number, or -1 when {@code s} is not a non-negative int. */
    private static int shardNumber(String s) {
        ShardKeyValue.IntegerKey k = IntegerText.parse(s, 0, s.length());
        return k != null && k.value() >= 0 && k.value() <= Integer.MAX_VALUE ? (int) k.value() : -1;
    }
}
