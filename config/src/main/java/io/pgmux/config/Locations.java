package io.pgmux.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key path was written, so that checks made after mapping can still name a line, and can
 * tell a value set in the file from one that was defaulted.
 */
final class Locations {

    private final Map<String, Location> byPath = new HashMap<>();

    void put(String path, Location location) {
        byPath.putIfAbsent(path, location);
    }

    /** Whether the key at this path was written in the file. */
    boolean has(String path) {
        return byPath.containsKey(path);
    }

    /** Where the path was written, else where its nearest written parent was. */
    Location locate(String path) {
        for (String p = path; ; p = parent(p)) {
            Location found = byPath.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return Location.UNKNOWN;
            }
        }
    }

    /** {@code a.b[2]} for {@code a.b[2].c}, {@code a.b} for {@code a.b[2]}, empty at the top. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
