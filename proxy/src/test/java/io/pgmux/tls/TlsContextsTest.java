package io.pgmux.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmux.config.TlsConfig;
import io.pgmux.demo.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PEM files into TLS contexts: key formats, mismatches, and messages without key material. */
class TlsContextsTest {

    @TempDir
    static Path dir;
    static TestCa ca;

    @BeforeAll
    static void makeCa() throws Exception {
        assumeTrue(TestCa.available(), "no openssl command");
        ca = TestCa.create(dir.resolve("ca"), "pgmux test CA");
    }

    private static TlsConfig clients(Path cert, Path key) {
        return new TlsConfig(TlsConfig.ClientMode.REQUIRE, cert, key, TlsConfig.ServerMode.DISABLE, null);
    }

    @Test
    void clientCertificateModesReadTheClientsCa() throws Exception {
        TlsConfig verify = new TlsConfig(TlsConfig.ClientMode.VERIFY_CA, ca.serverCert(), ca.serverKey(),
                TlsConfig.ServerMode.DISABLE, null, ca.caCert());
        assertNotNull(TlsContexts.load(verify).forClients());
        TlsConfig noCa = new TlsConfig(TlsConfig.ClientMode.VERIFY_FULL, ca.serverCert(), ca.serverKey(),
                TlsConfig.ServerMode.DISABLE, null, null);
        assertEquals("tls.client_ca_file is not set",
                assertThrows(TlsSetupException.class, () -> TlsContexts.load(noCa)).getMessage());
    }

    @Test
    void urlSslmodesGetTheirOwnContexts() {
        TlsConfig global = new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, TlsConfig.ServerMode.DISABLE, ca.caCert());
        TlsContexts tls = TlsContexts.load(global, java.util.EnumSet.of(TlsConfig.ServerMode.REQUIRE,
                TlsConfig.ServerMode.VERIFY_FULL, TlsConfig.ServerMode.DISABLE));
        assertNull(tls.forServers(), "tls.server_mode disable");
        assertEquals(java.util.Set.of(TlsConfig.ServerMode.REQUIRE, TlsConfig.ServerMode.VERIFY_FULL),
                tls.forServerModes().keySet());
        assertNotNull(tls.serverHandler(TlsConfig.ServerMode.VERIFY_FULL, io.netty.buffer.ByteBufAllocator.DEFAULT,
                "localhost", 5432));
        TlsSetupException e = assertThrows(TlsSetupException.class, () -> tls.serverHandler(TlsConfig.ServerMode.VERIFY_CA,
                io.netty.buffer.ByteBufAllocator.DEFAULT, "localhost", 5432));
        assertEquals("no TLS context for sslmode verify-ca", e.getMessage());
        TlsConfig noCa = new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, TlsConfig.ServerMode.PREFER, null);
        assertEquals("tls.ca_file is not set", assertThrows(TlsSetupException.class,
                () -> TlsContexts.load(noCa, java.util.Set.of(TlsConfig.ServerMode.VERIFY_CA))).getMessage());
    }

    @Test
    void pgmuxsCertificateForServersIsCheckedLikeTheClientOne() {
        TlsConfig mismatched = new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, TlsConfig.ServerMode.REQUIRE, null,
                null, ca.serverCert(), ca.caKey());
        assertEquals(ca.caKey() + " is not the private key of the certificate in " + ca.serverCert(),
                assertThrows(TlsSetupException.class, () -> TlsContexts.load(mismatched)).getMessage());
        TlsConfig unused = new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, TlsConfig.ServerMode.DISABLE, null,
                null, ca.serverCert(), ca.caKey());
        assertTrue(TlsContexts.load(unused).forServerModes().isEmpty(), "no server TLS: the files are not read");
        TlsConfig ok = new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, TlsConfig.ServerMode.REQUIRE, null,
                null, ca.serverCert(), ca.serverKey());
        assertNotNull(TlsContexts.load(ok).forServers());
    }

    @Test
    void commonNameIsReadFromTheSubject() throws Exception {
        assertEquals("batch", TlsContexts.commonName(certificate(ca.clientCertificate("batch").cert())));
        assertEquals("localhost", TlsContexts.commonName(certificate(ca.serverCert())));
        Path noCn = dir.resolve("no-cn.crt");
        TestCa.openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/O=pgmux/OU=tests",
                "-keyout", dir.resolve("no-cn.key").toString(), "-out", noCn.toString());
        assertEquals("", TlsContexts.commonName(certificate(noCn)));
        Path twoParts = dir.resolve("two.crt");
        TestCa.openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-multivalue-rdn", "-subj", "/O=pgmux, Inc./CN=app+UID=7", "-keyout", dir.resolve("two.key").toString(), "-out", twoParts.toString());
        assertEquals("app", TlsContexts.commonName(certificate(twoParts)), "escaped commas and a multi-valued name");
    }

    private static java.security.cert.X509Certificate certificate(Path pem) {
        return PemFiles.certificates(pem).get(0);
    }

    @Test
    void pkcs8KeyAndChain() {
        assertTrue(Files.isReadable(ca.serverKey()));
        TlsContexts tls = TlsContexts.load(clients(ca.serverCert(), ca.serverKey()));
        assertNotNull(tls.forClients());
        assertNull(tls.forServers());
        assertTrue(tls.forClients().isServer());
    }

    @Test
    void pkcs1RsaKeyIsWrapped() throws Exception {
        Path pkcs1 = dir.resolve("server-pkcs1.key");
        TestCa.openssl(dir, "rsa", "-traditional", "-in", ca.serverKey().toString(), "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals(PemFiles.privateKey(ca.serverKey()), PemFiles.privateKey(pkcs1));
        assertNotNull(TlsContexts.load(clients(ca.serverCert(), pkcs1)).forClients());
    }

    @Test
    void keyOfAnotherCertificateIsRefused() {
        TlsSetupException e = assertThrows(TlsSetupException.class,
                () -> TlsContexts.load(clients(ca.serverCert(), ca.caKey())));
        assertEquals(ca.caKey() + " is not the private key of the certificate in " + ca.serverCert(), e.getMessage());
    }

    @Test
    void notPemIsRefusedWithoutQuotingTheFile() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "secret-looking text\n");
        TlsSetupException e = assertThrows(TlsSetupException.class,
                () -> TlsContexts.load(clients(junk, ca.serverKey())));
        assertEquals(junk + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file", e.getMessage());
        e = assertThrows(TlsSetupException.class, () -> TlsContexts.load(clients(ca.serverCert(), junk)));
        assertEquals(junk + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in the file", e.getMessage());
    }

    @Test
    void serverLegModes() {
        for (TlsConfig.ServerMode mode : TlsConfig.ServerMode.values()) {
            TlsContexts tls = TlsContexts.load(new TlsConfig(TlsConfig.ClientMode.DISABLE, null, null, mode,
                    mode.verifies() ? ca.caCert() : null));
            assertNull(tls.forClients());
            assertEquals(mode == TlsConfig.ServerMode.DISABLE, tls.forServers() == null, mode.configName());
        }
    }

    @Test
    void derLengthsOfEveryWidth() {
        for (int n : new int[] {0, 127, 128, 255, 256, 1190, 65535, 65536}) {
            byte[] wrapped = PemFiles.wrapPkcs1(new byte[n]);
            // outer SEQUENCE header + version (3) + algorithm (15) + OCTET STRING header + n
            int inner = 3 + 15 + 1 + lengthBytes(n) + n;
            assertEquals(1 + lengthBytes(inner) + inner, wrapped.length, "n=" + n);
        }
    }

    private static int lengthBytes(int n) {
        return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
    }
}
