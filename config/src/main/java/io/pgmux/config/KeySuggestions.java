package io.pgmux.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key a misspelt one was probably meant to be. */
final class KeySuggestions {

    private static final int MAX_DISTANCE = 2;

    private KeySuggestions() {
    }

    /**
     * The known key closest to {@code key} by edit distance, if within {@value #MAX_DISTANCE} and less than
     * half the key's length (else {@code foo} would suggest {@code log}); ties go to the earlier key. A
     * camelCase or dashed spelling of a known key always matches it.
     */
    static Optional<String> closest(String key, List<String> known) {
        String best = null;
        int bestDistance = MAX_DISTANCE + 1;
        for (String candidate : known) {
            int d = normalize(key).equals(normalize(candidate)) ? 0 : distance(key, candidate);
            if (d < bestDistance && 2 * d < key.length()) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalize(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
