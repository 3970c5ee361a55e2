package io.pgmux.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the configuration files of a data directory.
 *
 * <p>Settings are appended to {@code postgresql.conf} (later lines win, so initdb's defaults stay
 * visible above ours); {@code pg_hba.conf} is replaced outright so that no default rule can
 * accidentally grant trust over TCP. Port and socket directory are deliberately <em>not</em>
 * written here: they are passed on the {@code pg_ctl} command line, so a copied data directory
 * (a replica) can run on its own port without editing files.
 */
final class ServerConfig {

    private ServerConfig() {
    }

    /** The launcher's defaults, in the order they are written. */
    static Map<String, String> defaults(int maxConnections, String passwordEncryption, boolean fast) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "127.0.0.1");
        s.put("max_connections", Integer.toString(maxConnections));
        s.put("shared_buffers", "32MB");
        s.put("password_encryption", passwordEncryption);
        // Everything a streaming replica copied from this server needs.
        s.put("wal_level", "replica");
        s.put("max_wal_senders", "10");
        s.put("hot_standby", "on");
        s.put("wal_keep_size", "256MB");
        if (fast) {
            s.put("fsync", "off");
            s.put("full_page_writes", "off");
        }
        return s;
    }

    /** Appends {@code settings} to {@code postgresql.conf}. */
    /** Names of the TLS files in the data directory; PostgreSQL reads relative names from there. */
    static final String TLS_CERT = "server.crt";
    static final String TLS_KEY = "server.key";
    static final String TLS_CA = "root.crt";

    /** Copies the certificate, key and client CA (if any) into the data directory, the key readable by its owner only. */
    static void installTls(PgUser user, Path dataDir, Path cert, Path key, Path ca) {
        try {
            if (ca != null) {
                user.writeOwnedFile(dataDir.resolve(TLS_CA), java.nio.file.Files.readString(ca), false);
            }
            user.writeOwnedFile(dataDir.resolve(TLS_CERT), java.nio.file.Files.readString(cert), false);
            Path target = dataDir.resolve(TLS_KEY);
            user.writeOwnedFile(target, java.nio.file.Files.readString(key), false);
            // PostgreSQL refuses a key file others (or, unless root owns it, its group) can read
            java.nio.file.Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot install TLS files in " + dataDir, e);
        }
    }

    static void appendSettings(PgUser user, Path dataDir, Map<String, String> settings) {
        StringBuilder conf = new StringBuilder("\n# --- added by pgmux LocalPostgres ---\n");
        settings.forEach((key, value) -> conf.append(key).append(" = ").append(quote(value)).append('\n'));
        user.writeOwnedFile(dataDir.resolve("postgresql.conf"), conf.toString(), true);
    }

    /**
     * Unix socket: trust (only reachable through the server's private socket dir). TCP on
     * loopback: {@code hostAuth} for normal sessions; trust for replication so a streaming
     * replica needs no password file.
     */
    static void writeHba(PgUser user, Path dataDir, String hostAuth) {
        String hba = "# written by pgmux LocalPostgres\n"
                + "local all         all                trust\n"
                // cert is refused on host lines: it needs TLS, hence hostssl
                + ("cert".equals(hostAuth) ? "hostssl" : "host ") + " all         all  127.0.0.1/32  " + hostAuth + "\n"
                + "host  replication all  127.0.0.1/32  trust\n";
        user.writeOwnedFile(dataDir.resolve("pg_hba.conf"), hba, false);
    }

    /**
     * Turns a copy of a primary's data directory into a standby: {@code standby.signal} plus
     * {@code primary_conninfo} in {@code postgresql.auto.conf} (which PostgreSQL 12+ reads last).
     */
    static void makeStandby(PgUser user, Path dataDir, int primaryPort, String applicationName) {
        user.writeOwnedFile(dataDir.resolve("standby.signal"), "", false);
        String conninfo = "host=127.0.0.1 port=" + primaryPort + " user=postgres application_name="
                + applicationName;
        user.writeOwnedFile(dataDir.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = " + quote(conninfo) + "\n", true);
    }

    /** PostgreSQL conf string literal: single quotes, embedded quotes doubled. */
    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
