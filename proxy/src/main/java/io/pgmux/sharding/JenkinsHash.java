package io.pgmux.sharding;

/**
 * PostgreSQL's 64-bit hash functions from {@code src/common/hashfn.c} ({@code hash_bytes_extended},
 * {@code hash_bytes_uint32_extended}): Bob Jenkins' lookup3 with a seed mixed in first. Reproduced
 * bit for bit as a little-endian server computes them (x86-64, arm64): a big-endian server reads
 * the key's words the other way round and puts keys in other partitions.
 *
 * <p>An instance is the (a, b, c) state of one hash; it never escapes the static methods, so the
 * JIT's escape analysis removes the allocation.
 */
final class JenkinsHash {
    private int a;
    private int b;
    private int c;

    private JenkinsHash(int length, long seed) {
        a = 0x9e3779b9 + length + 3923095;
        b = a;
        c = a;
        if (seed != 0) {
            // the seed counts as a 12-byte chunk of data whose last four bytes are zero
            a += (int) (seed >>> 32);
            b += (int) seed;
            mix();
        }
    }

    /** {@code hash_bytes_extended(k, length, seed)} over {@code k[offset, offset + length)}. */
    @SuppressWarnings("fallthrough")
    static long hashBytesExtended(byte[] k, int offset, int length, long seed) {
        JenkinsHash h = new JenkinsHash(length, seed);
        int p = offset;
        int len = length;
        while (len >= 12) {
            h.a += le32(k, p);
            h.b += le32(k, p + 4);
            h.c += le32(k, p + 8);
            h.mix();
            p += 12;
            len -= 12;
        }
        int a = 0;
        int b = 0;
        int c = 0;
        // the last 0..11 bytes, little-endian; the lowest byte of c stays free (as in the C code)
        switch (len) {
            case 11: c += (k[p + 10] & 0xff) << 24; // fall through
            case 10: c += (k[p + 9] & 0xff) << 16; // fall through
            case 9: c += (k[p + 8] & 0xff) << 8; // fall through
            case 8: b += (k[p + 7] & 0xff) << 24; // fall through
            case 7: b += (k[p + 6] & 0xff) << 16; // fall through
            case 6: b += (k[p + 5] & 0xff) << 8; // fall through
            case 5: b += k[p + 4] & 0xff; // fall through
            case 4: a += (k[p + 3] & 0xff) << 24; // fall through
            case 3: a += (k[p + 2] & 0xff) << 16; // fall through
            case 2: a += (k[p + 1] & 0xff) << 8; // fall through
            case 1: a += k[p] & 0xff; // fall through
            default: break;
        }
        h.a += a;
        h.b += b;
        h.c += c;
        return h.fin();
    }

    /** {@code hash_bytes_uint32_extended(k, seed)}: the same as hashing k's four bytes. */
    static long hashUint32Extended(int k, long seed) {
        JenkinsHash h = new JenkinsHash(4, seed);
        h.a += k;
        return h.fin();
    }

    private void mix() {
        a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
        a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
        b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
        c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
    }

    /** final(a, b, c), then the 64-bit result {@code ((uint64) b << 32) | c}. */
    private long fin() {
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return ((long) b << 32) | (c & 0xffffffffL);
    }

    private static int le32(byte[] k, int p) {
        return (k[p] & 0xff) | (k[p + 1] & 0xff) << 8 | (k[p + 2] & 0xff) << 16 | (k[p + 3] & 0xff) << 24;
    }
}
