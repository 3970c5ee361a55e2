package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeySuggestionsTest {

    private static final List<String> KEYS = ConfigMapper.POOL_KEYS;

    @Test
    void distance() {
        assertEquals(0, KeySuggestions.distance("size", "size"));
        assertEquals(1, KeySuggestions.distance("sise", "size"));
        assertEquals(3, KeySuggestions.distance("kitten", "sitting"));
        assertEquals(4, KeySuggestions.distance("", "mode"));
    }

    @Test
    void suggestsWithinTwoEdits() {
        assertEquals(Optional.of("size"), KeySuggestions.closest("sise", KEYS));
        assertEquals(Optional.of("min_idle"), KeySuggestions.closest("minidle", KEYS));
        assertEquals(Optional.of("idle_timeout"), KeySuggestions.closest("idle_timout", KEYS));
        assertEquals(Optional.empty(), KeySuggestions.closest("lifetime", KEYS));
    }

    @Test
    void camelCaseAndDashesAlwaysMatch() {
        assertEquals(Optional.of("max_prepared_statements"), KeySuggestions.closest("maxPreparedStatements", KEYS));
        assertEquals(Optional.of("server_reset_query"), KeySuggestions.closest("server-reset-query", KEYS));
    }

    @Test
    void shortKeysNeedACloserMatch() {
        // "foo" is two edits from "log", but that suggestion would only confuse.
        assertEquals(Optional.empty(), KeySuggestions.closest("foo", ConfigMapper.ROOT_KEYS));
        assertEquals(Optional.of("mode"), KeySuggestions.closest("mod", KEYS));
    }

    @Test
    void tiesGoToTheEarlierKey() {
        assertEquals(Optional.of("abce"), KeySuggestions.closest("abcd", List.of("abce", "abcf")));
    }
}
