package io.pgmux.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A primary with its replicas, as written in a database entry or in an item of its {@code shards:}:
 * both take the same {@code primary} and {@code replicas} keys, so both read the same way.
 */
final class ServersMapper {

    private ServersMapper() {
    }

    /** {@code primary} (required) and {@code replicas}; empty when the primary is missing or invalid. */
    static Optional<ShardConfig> servers(YamlMapping m, Function<String, BackendUrl> url) {
        Optional<BackendUrl> primary = m.require("primary").flatMap(n -> n.as(url));
        List<BackendUrl> replicas = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        m.get("replicas").flatMap(YamlNode::asList)
                .ifPresent(items -> items.forEach(i -> replica(i, url, replicas, weights)));
        return primary.map(p -> new ShardConfig(p, replicas, weights));
    }

    /** A replica: a backend URL, or {@code { url: ..., weight: 2 }}. */
    private static void replica(YamlNode item, Function<String, BackendUrl> url, List<BackendUrl> replicas,
                                List<Integer> weights) {
        if (item.isMapping()) {
            item.asMapping(ConfigMapper.REPLICA_KEYS).ifPresent(m -> m.require("url").flatMap(n -> n.as(url))
                    .ifPresent(u -> {
                        replicas.add(u);
                        weights.add(m.integer("weight", 1));
                    }));
        } else {
            item.as(url).ifPresent(u -> {
                replicas.add(u);
                weights.add(1);
            });
        }
    }
}
