package io.pgmux.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** The YAML spellings of the configuration's enums: one lookup for all of them. */
final class ConfigNames {
    private ConfigNames() {
    }

    /** The constant of {@code values} whose spelling is {@code text}, ignoring case. */
    static <E extends Enum<E>> Optional<E> lookup(E[] values, Function<E, String> configName, String text) {
        for (E e : values) {
            if (configName.apply(e).equalsIgnoreCase(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Every spelling, in declaration order (the "expected one of ..." list). */
    static <E extends Enum<E>> List<String> all(E[] values, Function<E, String> configName) {
        return Arrays.stream(values).map(configName).toList();
    }
}
