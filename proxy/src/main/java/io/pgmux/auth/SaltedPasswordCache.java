package io.pgmux.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded, thread-safe LRU cache of SCRAM SaltedPassword values keyed by (password, salt,
 * iterations).
 *
 * <p>Why: PostgreSQL keeps one salt per role, so every new server connection pgmux opens for a
 * role asks for the same PBKDF2 (4096 HMAC rounds by default, about a millisecond of CPU). Caching
 * the result makes pool growth cheap.
 *
 * <p>The password is not kept in the key: keys are HMACs under a random per-cache secret, so a
 * heap dump or a stray log line shows neither the password nor a reusable password hash. The
 * values (SaltedPassword) are password-equivalent for SCRAM and are never printed.
 */
public final class SaltedPasswordCache {

    /** Entries in {@link #shared()}: far more distinct server credentials than a proxy uses. */
    public static final int DEFAULT_MAX_ENTRIES = 256;

    private static final SaltedPasswordCache SHARED = new SaltedPasswordCache(DEFAULT_MAX_ENTRIES);

    private final int maxEntries;
    private final byte[] keySecret = new byte[32];
    private final Map<Key, byte[]> entries;
    private final AtomicLong derivations = new AtomicLong();

    /**
     * @param maxEntries how many SaltedPassword values to keep before evicting the least recently used
     */
    public SaltedPasswordCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.maxEntries = maxEntries;
        new SecureRandom().nextBytes(keySecret);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
                return size() > SaltedPasswordCache.this.maxEntries;
            }
        };
    }

    /** @return the process-wide cache used by {@link ScramClientSession} by default */
    public static SaltedPasswordCache shared() {
        return SHARED;
    }

    /**
     * Returns SaltedPassword = Hi(SASLprep(password), salt, iterations), computing it at most once
     * per cached key.
     *
     * @param password the password
     * @param salt the salt
     * @param iterations the PBKDF2 iteration count, at least 1
     * @return a copy of SaltedPassword (callers may wipe it)
     */
    public byte[] saltedPassword(String password, byte[] salt, int iterations) {
        Key key = key(password, salt, iterations);
        byte[] cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached != null) {
            return cached.clone();
        }
        // derived outside the lock: a concurrent miss costs a duplicate PBKDF2, never a stall
        byte[] derived = ScramCrypto.saltedPassword(password, salt, iterations);
        derivations.incrementAndGet();
        synchronized (entries) {
            entries.put(key, derived);
        }
        return derived.clone();
    }

    /** @return the number of cached entries */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** How many PBKDF2 derivations this cache ran (misses); lets tests observe hits. */
    long derivations() {
        return derivations.get();
    }

    @Override
    public String toString() {
        return "SaltedPasswordCache[size=" + size() + ", maxEntries=" + maxEntries + "]";
    }

    private Key key(String password, byte[] salt, int iterations) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        // length prefixes keep (password, salt) pairs from colliding by shifting bytes across
        ByteBuffer buf = ByteBuffer.allocate(4 + pw.length + 4 + salt.length + 4);
        buf.putInt(pw.length).put(pw).putInt(salt.length).put(salt).putInt(iterations);
        byte[] material = buf.array();
        try {
            return new Key(ScramCrypto.hmac(keySecret, material));
        } finally {
            Arrays.fill(pw, (byte) 0);
            Arrays.fill(material, (byte) 0);
        }
    }

    /** An opaque cache key: content equality, nothing printable. */
    private record Key(byte[] mac) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(mac, k.mac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(mac);
        }

        @Override
        public String toString() {
            return "Key[<redacted>]";
        }
    }
}
