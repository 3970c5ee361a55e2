package io.pgmux.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA and a server certificate signed by it, for tests and local experiments (like
 * {@link LocalPostgres}, not used by the proxy itself), made with the {@code openssl} command in a
 * directory: {@code ca.pem}, {@code server.crt} (CN localhost, SAN localhost and 127.0.0.1)
 * and {@code server.key} (PKCS#8).
 */
public record TestCa(Path dir, Path caCert, Path caKey, Path serverCert, Path serverKey) {

    public static final String OPENSSL = "/usr/bin/openssl";

    public static boolean available() {
        return Files.isExecutable(Path.of(OPENSSL));
    }

    /** Makes a CA named {@code name} and a server certificate for localhost/127.0.0.1 under {@code dir}. */
    public static TestCa create(Path dir, String name) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir, dir.resolve("ca.pem"), dir.resolve("ca.key"), dir.resolve("server.crt"),
                dir.resolve("server.key"));
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", ca.caKey.toString(), "-out", ca.caCert.toString());
        Path csr = dir.resolve("server.csr");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-keyout", ca.serverKey.toString(), "-out", csr.toString());
        Path ext = Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", ca.caCert.toString(), "-CAkey", ca.caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", ca.serverCert.toString());
        return ca;
    }

    /**
     * A client certificate for {@code commonName} signed by this CA, in {@code dir}: the certificate
     * (PEM), its key as PEM for libpq and as PKCS#8 DER for pgjdbc, both readable by the owner only
     * (libpq refuses a key others can read).
     */
    public ClientCert clientCertificate(String commonName) throws IOException, InterruptedException {
        String base = "client-" + commonName.replaceAll("[^A-Za-z0-9_-]", "_");
        ClientCert c = new ClientCert(dir.resolve(base + ".crt"), dir.resolve(base + ".key"), dir.resolve(base + ".pk8"));
        Path csr = dir.resolve(base + ".csr");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + commonName,
                "-keyout", c.key.toString(), "-out", csr.toString());
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-out", c.cert.toString());
        openssl(dir, "pkcs8", "-topk8", "-outform", "DER", "-nocrypt", "-in", c.key.toString(), "-out", c.pk8.toString());
        for (Path p : List.of(c.key, c.pk8)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return c;
    }

    /** A client certificate made by {@link #clientCertificate}: PEM certificate, PEM key, PKCS#8 DER key. */
    public record ClientCert(Path cert, Path key, Path pk8) {
    }

    /** Runs {@code openssl args...} in {@code dir}; fails with its output when it does not succeed. */
    public static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(OPENSSL));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
        }
    }
}
