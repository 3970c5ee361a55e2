package io.pgmux.config;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The rules a sharded database must follow once mapped: settings that only make sense together, and
 * shards that really are different servers. (Replica weights and {@code routing:} are checked as for
 * any database; what must be written together is the mapper's job.)
 */
final class ShardingRules {

    static final String MODULO_NEEDS_INTEGER = "must be integer with function modulo (modulo maps integer keys only)";

    /** Reports a problem by key path and reason. */
    private final BiConsumer<String, String> report;

    ShardingRules(BiConsumer<String, String> report) {
        this.report = report;
    }

    void check(String prefix, DatabaseConfig db) {
        db.sharding().ifPresent(sharding -> {
            String s = prefix + ".sharding.";
            if (sharding.function() == ShardingConfig.ShardFunction.MODULO
                    && sharding.keyType() != ShardingConfig.KeyType.INTEGER) {
                report.accept(s + "key_type", MODULO_NEEDS_INTEGER);
            }
            if (sharding.maxScatterRows() < 1) {
                report.accept(s + "max_scatter_rows", "must be at least 1");
            }
            distinctServers(prefix, db.shards());
        });
    }

    /**
     * Two shards on one server and database would hold the same rows: every key would be found twice
     * by a scatter, and a key would not be where the hash says. Compared by host, port and database.
     */
    private void distinctServers(String prefix, List<ShardConfig> shards) {
        for (int i = 1; i < shards.size(); i++) {
            List<BackendUrl> mine = servers(shards.get(i));
            for (int k = 0; k < mine.size(); k++) {
                String path = prefix + ".shards[" + i + "]." + (k == 0 ? "primary" : "replicas[" + (k - 1) + "]");
                BackendUrl server = mine.get(k);
                for (int j = 0; j < i; j++) {
                    if (servers(shards.get(j)).stream().anyMatch(other -> sameDatabase(server, other))) {
                        report.accept(path, "same server and database as in shards[" + j
                                + "]: each shard needs its own");
                        break;
                    }
                }
            }
        }
    }

    /** The primary, then the replicas. */
    private static List<BackendUrl> servers(ShardConfig shard) {
        return Stream.concat(Stream.of(shard.primary()), shard.replicas().stream()).toList();
    }

    private static boolean sameDatabase(BackendUrl a, BackendUrl b) {
        return a.host().toLowerCase(Locale.ROOT).equals(b.host().toLowerCase(Locale.ROOT)) && a.port() == b.port()
                && a.database().equals(b.database());
    }
}
