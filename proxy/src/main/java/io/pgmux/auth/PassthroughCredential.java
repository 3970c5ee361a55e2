package io.pgmux.auth;

/**
 * What pgmux learned from the latest successful client login of one (database, user) whose
 * password it does not know, enough to log in to the servers as that user: the SCRAM ClientKey
 * recovered from the client's proof (with the verifier's ServerKey, to check the server), or the
 * MD5 hash. Updated by every such login, read by every server login; thread-safe. Never printed.
 */
public final class PassthroughCredential {

    /** ClientKey and ServerKey of one SCRAM verifier. */
    private record Scram(byte[] clientKey, byte[] serverKey) {
    }

    private volatile Scram scram;
    private volatile String md5Hash;

    /** A client proved it has {@code clientKey} for the verifier with {@code serverKey}. */
    public void scram(byte[] clientKey, byte[] serverKey) {
        scram = new Scram(clientKey.clone(), serverKey.clone());
    }

    /** A client proved it knows the password of this {@code md5...} hash. */
    public void md5(String hash) {
        md5Hash = hash;
    }

    /** True when a SCRAM server login is possible. */
    public boolean hasScram() {
        return scram != null;
    }

    /** A client session for a SCRAM server login, or null when no client has logged in with SCRAM yet. */
    public ScramClientSession scramSession(java.security.SecureRandom random) {
        Scram s = scram;
        return s == null ? null : ScramClientSession.withKeys(s.clientKey(), s.serverKey(), random);
    }

    /** The {@code md5...} hash, or null. */
    public String md5Hash() {
        return md5Hash;
    }

    @Override
    public String toString() {
        return "PassthroughCredential[***]";
    }
}
