package io.pgmux.frontend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Per-user and per-database counts of logged-in clients. */
class ClientRegistryTest {

    @Test
    void admitCountsAndRefusesPastEitherLimit() {
        ClientRegistry r = new ClientRegistry();
        assertNull(r.admit("u", 2, "d", 3));
        assertNull(r.admit("u", 2, "d", 3));
        assertEquals("too many connections for role \"u\"", r.admit("u", 2, "d", 3));
        assertNull(r.admit("v", 0, "d", 3));
        assertEquals("too many connections for database \"d\"", r.admit("v", 0, "d", 3));
        assertEquals(2, r.userCount("u"), "a refused login is not counted");
        r.leave("u", "d");
        assertNull(r.admit("v", 0, "d", 3), "a slot freed by a client leaving is reused");
        assertNull(r.admit("w", 0, "e", 0), "0: no limit");
        r.leave("nobody", "nowhere"); // never admitted: ignored
        assertEquals(0, r.userCount("nobody"));
    }
}
