package io.pgmux.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone. Netty's own PEM reader takes PKCS#8
 * keys only (without Bouncy Castle); PostgreSQL and many CAs hand out PKCS#1 RSA keys
 * ({@code BEGIN RSA PRIVATE KEY}), so those are wrapped into PKCS#8 here, which is a fixed prefix
 * of a few DER bytes.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** Tried in order on a PKCS#8 key: the file does not say which algorithm it holds in a way KeyFactory reads. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private PemFiles() {
    }

    /** Every certificate in {@code file}, in file order (the server's own first, then intermediates). */
    public static List<X509Certificate> certificates(Path file) throws TlsSetupException {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.type().equals("CERTIFICATE")) {
                    certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(file + ": not a valid PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new TlsSetupException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
        }
        return certs;
    }

    /** The first private key in {@code file}: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA. */
    public static PrivateKey privateKey(Path file) throws TlsSetupException {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(file, wrapPkcs1(b.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsSetupException(file + ": the key is encrypted; pgmux reads unencrypted keys only"
                            + " (openssl pkcs8 -topk8 -nocrypt -in key.pem -out plain.pem)");
                case "EC PRIVATE KEY":
                    throw new TlsSetupException(file + ": SEC1 EC keys are not read; convert to PKCS#8"
                            + " (openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem)");
                default:
                    // a certificate or parameters before the key: look further
            }
        }
        throw new TlsSetupException(file + ": no PEM private key (-----BEGIN PRIVATE KEY-----) in the file");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws TlsSetupException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new TlsSetupException(file + ": unreadable private key (expected RSA, EC or Ed25519 in PKCS#8)");
    }

    /** PKCS#8 PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING pkcs1 }. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int length) {
        if (length < 0x80) {
            return new byte[] {(byte) length};
        }
        int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : 3;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = bytes; i >= 1; i--) {
            out[i] = (byte) length;
            length >>>= 8;
        }
        return out;
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws TlsSetupException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsSetupException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsSetupException(file + ": bad base64 in a " + m.group(1) + " block", e);
            }
        }
        return blocks;
    }
}
