package io.pgmux.sharding;

import io.pgmux.routing.SqlLexer.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads from a query which shard it is for, in the issue's order of precedence:
 * <ol>
 *   <li>{@code SET [SESSION|LOCAL] pgmux.shard = 2}, {@code SET pgmux.shard_key TO '42'},
 *       {@code RESET pgmux.shard}: {@link ShardHint.SetShard}, {@link ShardHint.SetShardKey},
 *       {@link ShardHint.ResetShard} (or {@link ShardHint.BadShardSetting}), which the proxy
 *       answers itself;</li>
 *   <li>a comment anywhere in the query, {@code /* pgmux: shard_key=42 *}{@code /},
 *       {@code shard=2} or {@code all_shards} ({@code --} comments too);</li>
 *   <li>the key in the SQL (see {@link StatementReader}): {@link ShardHint.Keys} with literals
 *       and {@code $n} parameters to resolve from the Bind message.</li>
 * </ol>
 * In a query of several statements every statement that reads or writes must give keys (they are
 * pooled); transaction control (BEGIN, COMMIT, SAVEPOINT...) is neutral. Otherwise, and whenever
 * in doubt, {@link ShardHint#NONE}.
 *
 * <p>Tables are assumed co-located by the key (a join of {@code orders} and {@code order_lines}
 * on one customer stays on that customer's shard). A subquery's own conditions are never used, but
 * a subquery does not stop the outer key from counting.
 *
 * <p>This does not tell reads from writes: use {@link io.pgmux.routing.ReadOnlyClassifier#isHarmlessSelect},
 * which answers true only for a lone SELECT that provably writes nothing, so everything else
 * (INSERT, UPDATE, DELETE, MERGE, DDL, data-modifying CTEs, SELECT nextval...) counts as a write.
 *
 * <p>Why a tokenizer and not a full SQL parser: {@link io.pgmux.routing.SqlLexer} already gets
 * quoting, comments, dollar-quoting and casts right, costs a fraction of a microsecond per
 * token, and only the few shapes above need reading; a parser would add a large dependency and
 * still not know PostgreSQL's whole grammar. Thread-safe and allocation-light: one pass of the
 * lexer into three arrays, text only for the tokens kept.
 */
public final class ShardKeyExtractor {
    private static final String[] NEUTRAL = {"begin", "start", "commit", "end", "rollback", "abort", "savepoint",
            "release"};

    private final ShardKeyColumns columns;

    public ShardKeyExtractor(ShardKeyColumns columns) {
        this.columns = columns;
    }

    /** What {@code sql} (a simple Query, or the SQL of a Parse message) says about its shard. */
    public ShardHint extract(String sql) {
        // hints and pgmux settings need the word; most queries are spared keeping comments
        boolean mentionsPgmux = containsIgnoreCase(sql, "pgmux");
        TokenList t = TokenList.of(sql, mentionsPgmux);
        if (mentionsPgmux) {
            ShardHint setting = ShardDirectives.setting(t);
            if (setting != null) {
                return setting;
            }
            ShardHint comment = ShardDirectives.comment(t.comments());
            if (comment != null) {
                return comment;
            }
        }
        return automatic(t);
    }

    private ShardHint automatic(TokenList t) {
        List<KeyRef> all = null;
        int start = 0;
        for (int i = 0; i <= t.size(); i++) {
            if (i < t.size() && !t.is(i, Kind.SEMICOLON)) {
                continue;
            }
            if (i > start && !neutral(t, start)) {
                List<KeyRef> keys = new StatementReader(t, columns).keys(start, i);
                if (keys == null) {
                    return ShardHint.NONE;
                }
                all = merge(all, keys);
            }
            start = i + 1;
        }
        return all == null ? ShardHint.NONE : new ShardHint.Keys(all);
    }

    private static boolean neutral(TokenList t, int i) {
        for (String w : NEUTRAL) {
            if (t.isWord(i, w)) {
                return true;
            }
        }
        return false;
    }

    private static List<KeyRef> merge(List<KeyRef> all, List<KeyRef> keys) {
        if (all == null) {
            return keys;
        }
        List<KeyRef> merged = new ArrayList<>(all);
        for (KeyRef k : keys) {
            if (!merged.contains(k)) {
                merged.add(k);
            }
        }
        return merged;
    }

    private static boolean containsIgnoreCase(String s, String lowerCaseWord) {
        char first = lowerCaseWord.charAt(0);
        for (int i = 0; i + lowerCaseWord.length() <= s.length(); i++) {
            if ((s.charAt(i) | 0x20) == first && s.regionMatches(true, i, lowerCaseWord, 0, lowerCaseWord.length())) {
                return true;
            }
        }
        return false;
    }
}
