package io.pgmux.server;

import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.ProxyConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line:
 * <pre>
 *   pgmux [--config FILE] [--check]   run the proxy (or only validate the config)
 *   pgmux demo                        real PostgreSQL from the build's binaries + pgmux in front
 *   pgmux --version | --help
 * </pre>
 * An invalid configuration prints every problem with file, line and key, and exits with status 2.
 */
public final class Main {
    static final int EXIT_CONFIG = 2;
    static final int EXIT_USAGE = 64;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Path configPath = null;
        boolean check = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "demo" -> {
                    return DemoCommand.run(java.util.Arrays.copyOfRange(args, i + 1, args.length), out, err);
                }
                case "--config", "-c" -> {
                    if (i + 1 >= args.length) {
                        err.println("pgmux: --config needs a file");
                        return EXIT_USAGE;
                    }
                    configPath = Path.of(args[++i]);
                }
                case "--check" -> check = true;
                case "--version", "-V" -> {
                    out.println("pgmux " + Version.get());
                    return 0;
                }
                case "--help", "-h" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    err.println("pgmux: unknown argument '" + args[i] + "'");
                    usage(err);
                    return EXIT_USAGE;
                }
            }
        }
        if (configPath == null) {
            String env = System.getenv("PGMUX_CONFIG");
            configPath = Path.of(env != null ? env : "config/pgmux.yaml");
        }
        if (!Files.isRegularFile(configPath)) {
            err.println("pgmux: " + configPath + ": no such file");
            return EXIT_CONFIG;
        }
        ProxyConfig config;
        try {
            config = ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return EXIT_CONFIG;
        }
        try {
            io.pgmux.tls.TlsContexts.load(config); // parses the PEM files, which the loader only checks exist
        } catch (io.pgmux.tls.TlsSetupException e) {
            err.println("pgmux: " + configPath + ": " + e.getMessage());
            return EXIT_CONFIG;
        }
        if (check) {
            out.println(configPath + ": OK (" + config.databases().size() + " databases, " + config.users().size() + " users)");
            return 0;
        }
        LogSetup.apply(config.log());
        ProxyConfig loaded = config;
        Path source = configPath;
        java.util.logging.Logger.getLogger(Main.class.getName()).info(() -> "configuration loaded from " + source
                + ": " + loaded.databases().size() + " databases, " + loaded.users().size() + " users");
        try {
            serve(config, configPath);
        } catch (ProxyServer.ListenException e) {
            err.println("pgmux: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * Runs until SIGTERM/SIGINT (or SHUTDOWN on the admin console), then shuts down gracefully
     * within shutdown_timeout; SIGHUP reloads the configuration file.
     */
    static void serve(ProxyConfig config, Path configPath) throws InterruptedException {
        ProxyServer server = new ProxyServer(config, configPath);
        server.start();
        if (configPath != null) {
            ReloadSignal.install(server.control());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(server.config().shutdownTimeout());
            try {
                server.awaitTermination();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pgmux-shutdown"));
        server.awaitTermination();
    }

    private static void usage(PrintStream out) {
        out.println("""
                usage: java -jar pgmux.jar [--config FILE] [--check]
                       java -jar pgmux.jar demo
                       java -jar pgmux.jar --version | --help

                  --config FILE  configuration (default: $PGMUX_CONFIG, else config/pgmux.yaml)
                  --check        validate the configuration and exit (status 2 when invalid)
                  demo           start PostgreSQL (primary, replica, two shards) from the build's own
                                 binaries and pgmux in front of them; prints URLs to try""");
    }
}
