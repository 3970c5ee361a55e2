package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.pgmux.backend.PreparedStatement;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The named statements one client has prepared, by the client's own names. Bounded by
 * max_client_prepared_statements so a client preparing endless distinct statements gets an error
 * rather than exhausting the heap.
 */
final class ClientStatements {
    private static final int RECENT = 16;

    private final Map<String, PreparedStatement> byName = new HashMap<>();
    private final int limit;
    /**
     * Names recently looked up from a message, as the client's bytes, by a hash of them: a Bind or
     * Describe of a statement used before is found without decoding its name into a String.
     */
    private final byte[][] recentNames = new byte[RECENT][];
    private final PreparedStatement[] recentStatements = new PreparedStatement[RECENT];

    ClientStatements(int limit) {
        this.limit = limit;
    }

    PreparedStatement get(String name) {
        return byName.get(name);
    }

    /** The statement named by the C string's bytes {@code buf[from, to)} (the NUL not included), or null. */
    PreparedStatement get(ByteBuf buf, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + buf.getByte(i);
        }
        int slot = (h ^ (h >>> 16)) & (RECENT - 1);
        byte[] recent = recentNames[slot];
        if (recent != null && recent.length == to - from && sameBytes(buf, from, recent)) {
            return recentStatements[slot];
        }
        byte[] name = new byte[to - from];
        buf.getBytes(from, name);
        PreparedStatement s = byName.get(new String(name, StandardCharsets.UTF_8));
        if (s != null) {
            recentNames[slot] = name;
            recentStatements[slot] = s;
        }
        return s;
    }

    private static boolean sameBytes(ByteBuf buf, int from, byte[] name) {
        for (int i = 0; i < name.length; i++) {
            if (buf.getByte(from + i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    private void forgetRecent() {
        Arrays.fill(recentNames, null);
        Arrays.fill(recentStatements, null);
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    boolean full() {
        return byName.size() >= limit;
    }

    void put(String name, PreparedStatement s) {
        byName.put(name, s);
        forgetRecent();
    }

    PreparedStatement remove(String name) {
        forgetRecent();
        return byName.remove(name);
    }

    /** Undo of a failed Parse: only if the name still means that statement. */
    void remove(String name, PreparedStatement s) {
        forgetRecent();
        byName.remove(name, s);
    }

    void clear() {
        forgetRecent();
        byName.clear();
    }

    int size() {
        return byName.size();
    }

    int limit() {
        return limit;
    }
}
