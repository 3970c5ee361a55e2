package io.pgmux.config;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in it. The message has one line per
 * problem, {@code file:line:column: key.path: reason}; the accessors describe the first problem.
 */
public final class ConfigException extends Exception {

    /**
     * One thing wrong with a configuration.
     *
     * @param source the file, or a name like {@code <string>}
     * @param line   1-based, or 0 when unknown
     * @param column 1-based, or 0 when unknown
     * @param path   dotted key path like {@code databases.app.pool.size} or {@code users[1].name}; empty
     *               for the file as a whole
     * @param reason what is wrong; never contains a secret
     */
    public record Problem(String source, int line, int column, String path, String reason) implements Serializable {

        /** {@code source:line:column: path: reason}, leaving out an unknown position or empty path. */
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder(source);
            if (line > 0) {
                s.append(':').append(line).append(':').append(column);
            }
            s.append(": ");
            if (!path.isEmpty()) {
                s.append(path).append(": ");
            }
            return s.append(reason).toString();
        }
    }

    private final List<Problem> problems;

    /**
     * @param problems at least one
     */
    public ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("no problems");
        }
        this.problems = List.copyOf(problems);
    }

    /** A single problem. */
    public ConfigException(String source, int line, int column, String path, String reason) {
        this(List.of(new Problem(source, line, column, path, reason)));
    }

    /** Every problem, in file order. */
    public List<Problem> problems() {
        return problems;
    }

    /** The file of the first problem. */
    public String source() {
        return problems.get(0).source();
    }

    /** The line of the first problem, 1-based, 0 when unknown. */
    public int line() {
        return problems.get(0).line();
    }

    /** The column of the first problem, 1-based, 0 when unknown. */
    public int column() {
        return problems.get(0).column();
    }

    /** The key path of the first problem. */
    public String path() {
        return problems.get(0).path();
    }

    /** The reason of the first problem. */
    public String reason() {
        return problems.get(0).reason();
    }
}
