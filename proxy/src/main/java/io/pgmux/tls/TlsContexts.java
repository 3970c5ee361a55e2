package io.pgmux.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.pgmux.config.TlsConfig;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TLS contexts built from one {@link TlsConfig}: immutable, so a reload builds a new one from
 * the files as they are now and swaps it in whole (the proxy keeps it in a volatile field). A
 * connection takes the contexts in force when its TLS starts and keeps them: reloading never
 * touches established sessions.
 *
 * @param config     the settings these contexts were built from
 * @param forClients server-side context for pgmux's listeners, or null when client_mode is disable
 * @param forServerModes client-side contexts for connections to PostgreSQL, one per server TLS mode
 *                   in use (tls.server_mode and the backend URLs' sslmode); none for disable
 */
public record TlsContexts(TlsConfig config, SslContext forClients, Map<TlsConfig.ServerMode, SslContext> forServerModes) {

    /** TLS off on both legs. */
    public static TlsContexts disabled() {
        return new TlsContexts(TlsConfig.defaults(), null, Map.of());
    }

    /** The contexts of {@code config}'s {@code tls:} block and of the sslmode its backend URLs set. */
    public static TlsContexts load(io.pgmux.config.ProxyConfig config) {
        return load(config.tls(), config.serverSslModes());
    }

    /** The contexts of a {@code tls:} block alone (no URL sets its own sslmode). */
    public static TlsContexts load(TlsConfig config) {
        return load(config, Set.of());
    }

    /**
     * Reads the certificate, key and CA files and builds the contexts.
     *
     * @param urlModes the server TLS modes backend URLs ask for besides {@code config.serverMode()}
     * @throws TlsSetupException when a file is missing or unusable, or the key does not match the certificate
     */
    public static TlsContexts load(TlsConfig config, Set<TlsConfig.ServerMode> urlModes) {
        SslContext forClients = null;
        if (config.clientTls()) {
            Identity own = Identity.read(config.certFile(), "tls.cert_file", config.keyFile(), "tls.key_file");
            SslContextBuilder b = SslContextBuilder.forServer(own.key(), own.chain());
            if (config.clientMode().requiresCertificate()) {
                // asked for, not demanded by the handshake: a client without one gets PostgreSQL's
                // error at its startup packet (LoginHandler) instead of a bare TLS alert; a
                // certificate that does not chain to the CA still fails the handshake
                b.trustManager(PemFiles.certificates(required(config.clientCaFile(), "tls.client_ca_file")))
                        .clientAuth(ClientAuth.OPTIONAL);
            }
            try {
                forClients = b.build();
            } catch (SSLException | IllegalArgumentException e) {
                throw new TlsSetupException("cannot use " + config.certFile() + " and " + config.keyFile() + ": "
                        + e.getMessage(), e);
            }
        }
        Map<TlsConfig.ServerMode, SslContext> forServers = new EnumMap<>(TlsConfig.ServerMode.class);
        Set<TlsConfig.ServerMode> modes = EnumSet.of(config.serverMode());
        modes.addAll(urlModes);
        modes.remove(TlsConfig.ServerMode.DISABLE);
        List<X509Certificate> ca = modes.stream().anyMatch(TlsConfig.ServerMode::verifies)
                ? PemFiles.certificates(required(config.caFile(), "tls.ca_file"))
                : null;
        Identity shown = modes.isEmpty() || config.serverCertFile() == null ? null
                : Identity.read(config.serverCertFile(), "tls.server_cert_file", config.serverKeyFile(), "tls.server_key_file");
        for (TlsConfig.ServerMode mode : modes) {
            forServers.put(mode, forServers(mode, ca, shown));
        }
        return new TlsContexts(config, forClients, Collections.unmodifiableMap(forServers));
    }

    /** A certificate chain and its private key, read and checked to belong together. */
    private record Identity(List<X509Certificate> chain, PrivateKey key) {
        static Identity read(java.nio.file.Path certFile, String certKey, java.nio.file.Path keyFile, String keyKey) {
            List<X509Certificate> chain = PemFiles.certificates(required(certFile, certKey));
            PrivateKey key = PemFiles.privateKey(required(keyFile, keyKey));
            if (!matches(chain.get(0), key)) {
                throw new TlsSetupException(keyFile + " is not the private key of the certificate in " + certFile);
            }
            return new Identity(chain, key);
        }
    }

    /** @param shown pgmux's certificate for servers that ask for one ({@code cert} in pg_hba.conf), or null */
    private static SslContext forServers(TlsConfig.ServerMode mode, List<X509Certificate> ca, Identity shown) {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (shown != null) {
            b.keyManager(shown.key(), shown.chain());
        }
        if (mode.verifies()) {
            b.trustManager(ca);
        } else {
            // prefer and require encrypt without authenticating the server, as in libpq
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        // Netty 4.2 checks host names by default; libpq does only in verify-full
        b.endpointIdentificationAlgorithm(mode == TlsConfig.ServerMode.VERIFY_FULL ? "HTTPS" : null);
        try {
            return b.build();
        } catch (SSLException e) {
            throw new TlsSetupException("cannot set up TLS to servers: " + e.getMessage(), e);
        }
    }

    /** The context for servers under {@code tls.server_mode}, or null when it is disable. */
    public SslContext forServers() {
        return forServerModes.get(config.serverMode());
    }

    /** A handler that terminates a client's TLS; null when client TLS is off. */
    public SslHandler clientHandler(ByteBufAllocator alloc) {
        return forClients == null ? null : forClients.newHandler(alloc);
    }

    /**
     * A handler that starts TLS in {@code mode} to a server at {@code host}: the host is what
     * verify-full checks the certificate's names (or IP addresses) against.
     *
     * @throws TlsSetupException when these contexts were built without {@code mode} (a URL's
     *         sslmode that came with a reload these contexts predate)
     */
    public SslHandler serverHandler(TlsConfig.ServerMode mode, ByteBufAllocator alloc, String host, int port) {
        SslContext context = forServerModes.get(mode);
        if (context == null) {
            throw new TlsSetupException("no TLS context for sslmode " + mode.configName());
        }
        return context.newHandler(alloc, host, port);
    }

    /**
     * The TLS of {@code channel} as SHOW CLIENTS and SHOW SERVERS print it, {@code TLSv1.3/TLS_AES_256_GCM_SHA384}
     * (PgBouncer prints the same two first), or empty when the channel is plain or its handshake is not done.
     */
    public static String describe(io.netty.channel.Channel channel) {
        SslHandler h = channel.pipeline().get(SslHandler.class);
        if (h == null || !h.handshakeFuture().isSuccess()) {
            return "";
        }
        javax.net.ssl.SSLSession session = h.engine().getSession();
        return session.getProtocol() + "/" + session.getCipherSuite();
    }

    /** True when {@code channel}'s TLS peer showed a certificate the handshake verified. */
    public static boolean hasPeerCertificate(io.netty.channel.Channel channel) {
        return peerCertificate(channel) != null;
    }

    /**
     * The common name (CN) in the subject of {@code channel}'s verified peer certificate: the first
     * one, as PostgreSQL reads it; "" when the subject has none; null without TLS or a certificate.
     */
    public static String peerCommonName(io.netty.channel.Channel channel) {
        X509Certificate cert = peerCertificate(channel);
        return cert == null ? null : commonName(cert);
    }

    /** The first common name in {@code cert}'s subject, or "" when it has none. */
    static String commonName(X509Certificate cert) {
        try {
            javax.naming.ldap.LdapName name = new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName());
            for (javax.naming.ldap.Rdn rdn : name.getRdns()) { // in certificate order: most significant first
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue() instanceof String value ? value : "";
                }
            }
            return "";
        } catch (javax.naming.InvalidNameException e) {
            return "";
        }
    }

    private static X509Certificate peerCertificate(io.netty.channel.Channel channel) {
        SslHandler h = channel.pipeline().get(SslHandler.class);
        if (h == null || !h.handshakeFuture().isSuccess()) {
            return null;
        }
        try {
            java.security.cert.Certificate[] chain = h.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static java.nio.file.Path required(java.nio.file.Path file, String key) {
        if (file == null) {
            throw new TlsSetupException(key + " is not set");
        }
        return file;
    }

    /** Public and private key belong together: sign and verify a fixed message. */
    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // unusual key type: let the handshake tell
        }
        try {
            java.security.Signature s = java.security.Signature.getInstance(algorithm);
            s.initSign(key);
            byte[] data = "pgmux".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            s.update(data);
            byte[] signature = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(data);
            return s.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }
}
