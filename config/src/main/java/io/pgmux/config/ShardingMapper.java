package io.pgmux.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the {@code sharding:} block and the {@code shards:} list of a database, and reports the ways a
 * database can be half sharded: one without the other, or next to a top-level primary or replicas.
 */
final class ShardingMapper {

    static final String PRIMARY_WITH_SHARDS =
            "not allowed in a sharded database: each item of shards has its own primary";
    static final String REPLICAS_WITH_SHARDS =
            "not allowed in a sharded database: give each shard's replicas in its item of shards";
    static final String SHARDS_WITHOUT_SHARDING =
            "needs a sharding block next to it, saying how keys map to shards";
    static final String SHARDING_WITHOUT_SHARDS =
            "needs a shards list next to it, with each shard's primary and replicas";
    static final String NO_SHARDS = "must list at least one shard";

    /** What a sharded database entry maps to, before the settings it shares with plain ones. */
    record Sharded(ShardingConfig sharding, List<ShardConfig> shards) {
    }

    private ShardingMapper() {
    }

    /** Whether the entry means to be sharded: it has {@code sharding:} or {@code shards:}. */
    static boolean declared(YamlMapping db) {
        return db.get("sharding").isPresent() || db.get("shards").isPresent();
    }

    /** The sharding of a {@link #declared} entry; empty when something is missing (and reported). */
    static Optional<Sharded> map(YamlMapping db, Function<String, BackendUrl> url) {
        db.get("primary").ifPresent(n -> n.problem(PRIMARY_WITH_SHARDS));
        db.get("replicas").ifPresent(n -> n.problem(REPLICAS_WITH_SHARDS));
        Optional<YamlNode> shardingNode = db.get("sharding");
        Optional<YamlNode> shardsNode = db.get("shards");
        if (shardingNode.isEmpty()) {
            shardsNode.ifPresent(n -> n.problem(SHARDS_WITHOUT_SHARDING));
        }
        if (shardsNode.isEmpty()) {
            shardingNode.ifPresent(n -> n.problem(SHARDING_WITHOUT_SHARDS));
        }
        Optional<ShardingConfig> sharding = shardingNode.flatMap(n -> n.asMapping(ConfigMapper.SHARDING_KEYS))
                .map(ShardingMapper::sharding);
        List<ShardConfig> shards = shardsNode.flatMap(n -> shards(n, url)).orElse(List.of());
        if (sharding.isEmpty() || shards.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Sharded(sharding.get(), shards));
    }

    private static Optional<List<ShardConfig>> shards(YamlNode node, Function<String, BackendUrl> url) {
        return node.asList().map(items -> {
            if (items.isEmpty()) {
                node.problem(NO_SHARDS);
            }
            List<ShardConfig> shards = new ArrayList<>();
            for (YamlNode item : items) {
                item.asMapping(ConfigMapper.SHARD_KEYS).flatMap(m -> ServersMapper.servers(m, url))
                        .ifPresent(shards::add);
            }
            return shards;
        });
    }

    private static ShardingConfig sharding(YamlMapping m) {
        ShardingConfig base = ShardingConfig.defaults();
        return new ShardingConfig(
                m.choice("function", List.of("pg_hash", "modulo"),
                        t -> RoutingConfig.fromConfigName(ShardingConfig.ShardFunction.class, t), base.function()),
                m.choice("key_type", List.of("integer", "text", "uuid"),
                        t -> RoutingConfig.fromConfigName(ShardingConfig.KeyType.class, t), base.keyType()),
                m.get("tables").flatMap(n -> n.asMapping(null)).map(ShardingMapper::tables).orElse(base.tables()),
                // Empty is "none", so ${SHARD_COLUMN:-} can leave it out.
                m.get("default_column").flatMap(n -> n.as(t -> t.isEmpty() ? null : Identifiers.fold(t)))
                        .or(base::defaultColumn),
                m.choice("no_key", List.of("scatter", "error"),
                        t -> RoutingConfig.fromConfigName(ShardingConfig.NoKey.class, t), base.noKey()),
                m.integer("max_scatter_rows", base.maxScatterRows()));
    }

    /** Table to column, both folded; two spellings of one table (orders, ORDERS) are an error. */
    private static Map<String, String> tables(YamlMapping m) {
        Map<String, String> tables = new LinkedHashMap<>();
        Map<String, YamlNode> first = new HashMap<>();
        for (Map.Entry<String, YamlNode> entry : m.entries()) {
            YamlNode node = entry.getValue();
            Optional<String> table = name(node, "table", entry.getKey());
            Optional<String> column = node.asString().flatMap(text -> name(node, "column", text));
            if (table.isEmpty()) {
                continue;
            }
            YamlNode earlier = first.putIfAbsent(table.get(), node);
            if (earlier != null) {
                node.problem("table '" + table.get() + "' is already listed (line " + earlier.location().line()
                        + "); unquoted names are folded to lower case");
            } else {
                column.ifPresent(c -> tables.put(table.get(), c));
            }
        }
        return tables;
    }

    /** The folded name, or empty after reporting why {@code text} is not one. */
    private static Optional<String> name(YamlNode node, String what, String text) {
        try {
            return Optional.of(Identifiers.fold(text));
        } catch (IllegalArgumentException e) {
            node.problem(what + " name: " + e.getMessage());
            return Optional.empty();
        }
    }
}
