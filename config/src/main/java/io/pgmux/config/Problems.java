package io.pgmux.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems so that one load reports all of them, not just the first. */
final class Problems {

    private final String source;
    private final List<ConfigException.Problem> found = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(String path, Location location, String reason) {
        found.add(new ConfigException.Problem(source, location.line(), location.column(), path, reason));
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws the problems found so far, in file order, if there are any. */
    void throwIfAny() throws ConfigException {
        if (!found.isEmpty()) {
            List<ConfigException.Problem> sorted = new ArrayList<>(found);
            sorted.sort(Comparator.comparingInt(ConfigException.Problem::line)
                    .thenComparingInt(ConfigException.Problem::column));
            throw new ConfigException(sorted);
        }
    }
}
