package io.pgmux.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Immutable configuration shared by a server and the replicas copied from it.
 *
 * @param binaries     PostgreSQL installation to run
 * @param parentDir    directory under which the server's own directory is created
 * @param settings     effective {@code postgresql.conf} settings, in write order
 * @param hostAuth     pg_hba method for TCP connections
 * @param bootstrap    (database, statement) pairs run once after initdb
 * @param startTimeout bound for initdb, start, stop and promote
 * @param tlsCert      certificate (PEM) copied into the data directory for {@code ssl = on}, or null
 * @param tlsKey       its private key, copied next to it with mode 0600, or null
 * @param tlsCa        CA certificates (PEM) client certificates must chain to ({@code ssl_ca_file}), or null
 */
record ServerSpec(PostgresBinaries binaries, Path parentDir, Map<String, String> settings,
                  String hostAuth, List<Map.Entry<String, String>> bootstrap, Duration startTimeout,
                  Path tlsCert, Path tlsKey, Path tlsCa) {

    ServerSpec {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        bootstrap = List.copyOf(bootstrap);
    }

    /** Replicas are copies: same settings, but no bootstrap SQL of their own. */
    ServerSpec forReplica() {
        return new ServerSpec(binaries, parentDir, settings, hostAuth, List.of(), startTimeout, tlsCert, tlsKey, tlsCa);
    }
}
