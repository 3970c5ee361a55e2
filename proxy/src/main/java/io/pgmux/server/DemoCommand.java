package io.pgmux.server;

import io.pgmux.config.ConfigLoader;
import io.pgmux.config.ProxyConfig;
import io.pgmux.demo.DemoCluster;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pgmux demo}: real PostgreSQL servers from the build's own binaries (a primary, a streaming
 * replica of it, two shard servers) and pgmux in front, on local ports, until Ctrl+C. The
 * configuration it uses is written beside the data so a user can read and reuse it.
 */
final class DemoCommand {
    private DemoCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        int port = 6432;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else {
                err.println("pgmux demo: unknown argument '" + args[i] + "' (only --port N)");
                return Main.EXIT_USAGE;
            }
        }
        LogSetup.apply(io.pgmux.config.LogConfig.defaults());
        out.println("pgmux demo: starting PostgreSQL (primary, replica, two shards) from the build's binaries...");
        DemoCluster cluster = new DemoCluster().start();
        ProxyServer proxy;
        Path configFile;
        try {
            int listen = freeOr(port);
            int admin = freeOr(6433);
            int metrics = freeOr(9930);
            String yaml = yaml(cluster, listen, admin, metrics);
            configFile = cluster.baseDir().resolve("pgmux-demo.yaml");
            Files.writeString(configFile, yaml);
            ProxyConfig config = ConfigLoader.parse(yaml, configFile.toString());
            proxy = new ProxyServer(config, configFile); // RELOAD on the admin console reads the file again
            proxy.start();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        int p = proxy.address().getPort();
        out.println();
        out.println("pgmux demo is running (" + cluster.describe() + ")");
        out.println("  config:  " + configFile);
        out.println("  psql:    psql \"postgresql://app:app@127.0.0.1:" + p + "/app\"");
        out.println("  JDBC:    jdbc:postgresql://127.0.0.1:" + p + "/app?user=app&password=app");
        out.println("  shards:  database orders is sharded over two servers by customer_id (docs/sharding.md);");
        out.println("           databases orders_shard0 and orders_shard1 reach each shard directly");
        out.println("  routing: app sends read-only transactions and plain SELECTs to the replica (docs/routing.md);");
        out.println("           database app_replica reads the streaming replica directly");
        out.println("Press Ctrl+C to stop.");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.shutdown(java.time.Duration.ofSeconds(5));
            cluster.close();
        }, "pgmux-demo-shutdown"));
        proxy.awaitTermination(); // Ctrl+C, or SHUTDOWN on the admin console
        cluster.close();
        return 0;
    }

    static String yaml(DemoCluster c, int listen, int admin, int metrics) {
        String primary = "postgres://app:app@127.0.0.1:" + c.primaryPort() + "/app";
        String replica = "postgres://app:app@127.0.0.1:" + c.replicaPort() + "/app";
        return """
                # written by `pgmux demo`; every key is explained in docs/configuration.md
                listen: 127.0.0.1:%d
                admin:   { listen: 127.0.0.1:%d, users: [admin] }
                metrics: { listen: 127.0.0.1:%d }
                limits:  { max_client_connections: 10000, query_wait_timeout: 30s }
                users:
                  - { name: app, password: app }
                  - { name: admin, password: admin }
                databases:
                  app:
                    pool: { mode: transaction, size: 20, min_idle: 2 }
                    primary: %s
                    replicas: [ %s ]
                    routing: { autocommit_selects: replica, consistency: read_your_writes }
                  app_replica:
                    pool: { mode: transaction, size: 10 }
                    primary: %s
                  orders:
                    pool: { mode: transaction, size: 10 }
                    sharding: { function: pg_hash, key_type: integer, default_column: customer_id, no_key: scatter }
                    shards:
                      - { primary: %7$s }
                      - { primary: %8$s }
                  orders_shard0:
                    pool: { mode: transaction, size: 10 }
                    primary: %7$s
                  orders_shard1:
                    pool: { mode: transaction, size: 10 }
                    primary: %8$s
                """.formatted(listen, admin, metrics, primary, replica, replica,
                "postgres://app:app@127.0.0.1:" + c.shardPorts().get(0) + "/orders",
                "postgres://app:app@127.0.0.1:" + c.shardPorts().get(1) + "/orders");
    }

    /** The wanted port if it is free on 127.0.0.1, else any free port. */
    private static int freeOr(int wanted) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", wanted));
            return wanted;
        } catch (IOException e) {
            return 0;
        }
    }
}
