package io.pgmux.config;

import static io.pgmux.config.TestYaml.fail;
import static io.pgmux.config.TestYaml.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls:} block: modes, defaults, and the files each mode needs. */
class TlsConfigTest {

    @TempDir
    Path dir;

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "-----BEGIN X-----\n");
    }

    @Test
    void offOnBothLegsByDefault() {
        assertEquals(TlsConfig.defaults(), parse("listen: :6432\n").tls());
        assertEquals(TlsConfig.defaults(), parse("tls: {}\n").tls());
    }

    @Test
    void everyKeyMaps() throws IOException {
        Path cert = file("c.pem");
        Path key = file("k.pem");
        Path ca = file("ca.pem");
        TlsConfig tls = parse("""
                tls:
                  client_mode: REQUIRE
                  cert_file: %s
                  key_file: %s
                  server_mode: verify-full
                  ca_file: %s
                """.formatted(cert, key, ca)).tls();
        assertEquals(new TlsConfig(TlsConfig.ClientMode.REQUIRE, cert, key, TlsConfig.ServerMode.VERIFY_FULL, ca), tls);
        assertTrue(tls.clientTls());
        assertTrue(tls.serverMode().required());
    }

    @Test
    void modesAreSpelledAsInLibpq() {
        for (String mode : new String[] {"disable", "prefer", "require", "verify-ca", "verify-full"}) {
            assertEquals(mode, TlsConfig.ServerMode.fromConfigName(mode).orElseThrow().configName());
        }
        String message = fail("tls: { server_mode: verify_full }\n").getMessage();
        assertTrue(message.startsWith("t.yaml:1:8: tls.server_mode: "), message);
        assertTrue(message.contains("verify-full"), message);
        assertTrue(message.endsWith("expected one of disable, prefer, require, verify-ca, verify-full"), message);
        String client = fail("tls: { client_mode: verify_ca }\n").getMessage();
        assertTrue(client.contains("tls.client_mode"));
        assertTrue(client.endsWith("tls.client_mode: expected one of disable, allow, prefer, require, verify-ca, verify-full"),
                client);
    }

    @Test
    void clientCertificateModesNeedTheClientsCa() throws IOException {
        Path cert = file("c.pem");
        Path key = file("k.pem");
        Path clientCa = file("clients.pem");
        TlsConfig tls = parse("""
                tls:
                  client_mode: verify-ca
                  cert_file: %s
                  key_file: %s
                  client_ca_file: %s
                """.formatted(cert, key, clientCa)).tls();
        assertEquals(new TlsConfig(TlsConfig.ClientMode.VERIFY_CA, cert, key, TlsConfig.ServerMode.DISABLE, null, clientCa),
                tls);
        assertTrue(tls.clientMode().required());
        assertTrue(tls.clientMode().requiresCertificate());
        assertTrue(TlsConfig.ClientMode.REQUIRE.required());
        assertEquals(false, TlsConfig.ClientMode.REQUIRE.requiresCertificate());
        assertEquals(false, TlsConfig.ClientMode.PREFER.required());
        TestYaml.assertProblems("""
                tls:
                  client_mode: verify-full
                  cert_file: %s
                  key_file: %s
                  ca_file: %s
                """.formatted(cert, key, clientCa),
                "t.yaml:2:3: tls.client_ca_file: required: needed by client_mode verify-full");
    }

    @Test
    void pgmuxsOwnCertificateForServersNeedsBothFiles() throws IOException {
        Path cert = file("mine.crt");
        Path key = file("mine.key");
        TlsConfig tls = parse("tls: { server_mode: require, server_cert_file: %s, server_key_file: %s }\n"
                .formatted(cert, key)).tls();
        assertEquals(cert, tls.serverCertFile());
        assertEquals(key, tls.serverKeyFile());
        TestYaml.assertProblems("tls:\n  server_cert_file: %s\n".formatted(cert),
                "t.yaml:2:3: tls.server_key_file: required: needed by tls.server_cert_file");
        TestYaml.assertProblems("tls:\n  server_key_file: %s\n".formatted(key),
                "t.yaml:2:3: tls.server_cert_file: required: needed by tls.server_key_file");
        Path missing = dir.resolve("gone.crt");
        TestYaml.assertProblems("tls:\n  server_cert_file: %s\n  server_key_file: %s\n".formatted(missing, key),
                "t.yaml:2:3: tls.server_cert_file: cannot read " + missing + " (pgmux's certificate for servers)");
    }

    @Test
    void aUrlsVerifyModeNeedsTheCaFileToo() throws IOException {
        Path ca = file("ca.pem");
        String yaml = """
                users: [ { name: app, password: app } ]
                databases:
                  app:
                    primary: postgres://u:p@127.0.0.1:5432/app?sslmode=verify-ca
                    replicas: [ "postgres://u:p@127.0.0.1:5433/app?sslmode=require" ]
                  shardy:
                    sharding: { key_type: integer }
                    shards:
                      - primary: postgres://u:p@127.0.0.1:5434/s0
                      - primary: postgres://u:p@127.0.0.1:5435/s1?sslmode=verify-full
                """;
        TestYaml.assertProblems(yaml,
                "t.yaml:4:5: tls.ca_file: required: needed by sslmode verify-ca in databases.app.primary",
                "t.yaml:10:9: tls.ca_file: required: needed by sslmode verify-full in databases.shardy.shards[1].primary");
        ProxyConfig ok = parse("tls: { ca_file: %s }\n".formatted(ca) + yaml);
        assertEquals(java.util.EnumSet.of(TlsConfig.ServerMode.VERIFY_CA, TlsConfig.ServerMode.REQUIRE,
                TlsConfig.ServerMode.VERIFY_FULL), ok.serverSslModes());
        String message = fail("databases:\n  app: { primary: \"postgres://u:p@h/app?sslmode=allow\" }\n").getMessage();
        assertTrue(message.endsWith("databases.app.primary: sslmode must be one of disable, prefer, require, verify-ca, "
                + "verify-full"), message);
    }

    @Test
    void certUsersNeedClientCertificatesAndNoPassword() throws IOException {
        Path cert = file("c.pem");
        Path key = file("k.pem");
        Path clientCa = file("clients.pem");
        String users = """
                users:
                  - { name: batch, auth: cert }
                  - { name: app }
                databases:
                  app: { primary: postgres://u:p@127.0.0.1:5432/app }
                """;
        TestYaml.assertProblems(users,
                "t.yaml:2:20: users[0].auth: cert needs tls.client_mode verify-ca or verify-full (client certificates "
                        + "checked against tls.client_ca_file)",
                "t.yaml:3:5: users[1].password: required unless auth is trust or cert");
        ProxyConfig ok = parse("""
                tls: { client_mode: verify-ca, cert_file: %s, key_file: %s, client_ca_file: %s }
                users:
                  - { name: batch, auth: cert }
                databases:
                  app: { primary: postgres://u:p@127.0.0.1:5432/app }
                """.formatted(cert, key, clientCa));
        assertEquals(AuthMethod.CERT, ok.user("batch").orElseThrow().auth());
        assertEquals(null, ok.user("batch").orElseThrow().password());
    }

    @Test
    void clientTlsNeedsACertificateAndAKey() {
        TestYaml.assertProblems("tls:\n  client_mode: prefer\n",
                "t.yaml:2:3: tls.cert_file: required: needed by client_mode prefer",
                "t.yaml:2:3: tls.key_file: required: needed by client_mode prefer");
    }

    @Test
    void filesMustBeReadable() throws IOException {
        Path cert = file("c.pem");
        Path missing = dir.resolve("missing.pem");
        TestYaml.assertProblems("""
                tls:
                  client_mode: allow
                  cert_file: %s
                  key_file: %s
                """.formatted(cert, missing),
                "t.yaml:4:3: tls.key_file: cannot read " + missing + " (needed by client_mode allow)");
    }

    @Test
    void verifyModesNeedACaFile() {
        TestYaml.assertProblems("tls: { server_mode: verify-ca }\n",
                "t.yaml:1:8: tls.ca_file: required: needed by server_mode verify-ca");
        // encryption without verification needs no file, and disable ignores the others
        assertEquals(TlsConfig.ServerMode.REQUIRE, parse("tls: { server_mode: require }\n").tls().serverMode());
        assertEquals(TlsConfig.ClientMode.DISABLE,
                parse("tls: { client_mode: disable, cert_file: /nonexistent }\n").tls().clientMode());
    }
}
