package io.pgmux.config;

import org.yaml.snakeyaml.error.Mark;

/** A 1-based position in the YAML text; line 0 when unknown. */
record Location(int line, int column) {

    static final Location UNKNOWN = new Location(0, 0);

    /** Converts snakeyaml's 0-based mark. */
    static Location of(Mark mark) {
        return mark == null ? UNKNOWN : new Location(mark.getLine() + 1, mark.getColumn() + 1);
    }
}
