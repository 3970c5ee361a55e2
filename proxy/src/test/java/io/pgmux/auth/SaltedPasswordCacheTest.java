package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Bounded LRU caching of SaltedPassword. */
class SaltedPasswordCacheTest {

    private static final byte[] SALT = {1, 2, 3};

    @Test
    void secondLookupIsAHit() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache(4);
        byte[] first = cache.saltedPassword("pencil", SALT, 2);
        assertArrayEquals(ScramTestSupport.jdkSaltedPassword("pencil", SALT, 2), first);
        assertArrayEquals(first, cache.saltedPassword("pencil", SALT, 2));
        assertEquals(1, cache.derivations());
    }

    @Test
    void everyKeyPartMatters() {
        SaltedPasswordCache cache = new SaltedPasswordCache(8);
        cache.saltedPassword("pencil", SALT, 2);
        cache.saltedPassword("pencil!", SALT, 2);
        cache.saltedPassword("pencil", new byte[] {1, 2, 4}, 2);
        cache.saltedPassword("pencil", SALT, 3);
        // same concatenated bytes, different split between password and salt
        cache.saltedPassword("pencil\u0001", new byte[] {2, 3}, 2);
        assertEquals(5, cache.derivations());
        assertEquals(5, cache.size());
    }

    @Test
    void evictsLeastRecentlyUsed() {
        SaltedPasswordCache cache = new SaltedPasswordCache(2);
        cache.saltedPassword("a", SALT, 1);
        cache.saltedPassword("b", SALT, 1);
        cache.saltedPassword("a", SALT, 1); // a is now the most recently used
        cache.saltedPassword("c", SALT, 1); // evicts b
        assertEquals(2, cache.size());
        assertEquals(3, cache.derivations());
        cache.saltedPassword("a", SALT, 1);
        assertEquals(3, cache.derivations());
        cache.saltedPassword("b", SALT, 1);
        assertEquals(4, cache.derivations());
    }

    @Test
    void returnsCopies() {
        SaltedPasswordCache cache = new SaltedPasswordCache(2);
        byte[] first = cache.saltedPassword("a", SALT, 1);
        byte[] expected = first.clone();
        first[0] ^= 1;
        assertArrayEquals(expected, cache.saltedPassword("a", SALT, 1));
    }

    @Test
    void concurrentLookupsAgree() throws Exception {
        SaltedPasswordCache cache = new SaltedPasswordCache(2);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> cache.saltedPassword("shared", SALT, 64)));
            }
            byte[] expected = ScramTestSupport.jdkSaltedPassword("shared", SALT, 64);
            for (Future<byte[]> r : results) {
                assertArrayEquals(expected, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, cache.size());
    }

    @Test
    void toStringShowsNoSecrets() {
        SaltedPasswordCache cache = new SaltedPasswordCache(3);
        cache.saltedPassword("hunter2", SALT, 1);
        assertEquals("SaltedPasswordCache[size=1, maxEntries=3]", cache.toString());
    }

    @Test
    void sizeMustBePositiveAndSharedIsASingleton() {
        assertEquals("maxEntries must be at least 1",
                assertThrows(IllegalArgumentException.class, () -> new SaltedPasswordCache(0)).getMessage());
        assertSame(SaltedPasswordCache.shared(), SaltedPasswordCache.shared());
        assertEquals(256, SaltedPasswordCache.DEFAULT_MAX_ENTRIES);
    }
}
