package io.pgmux.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How much recent history a {@link CircuitBreaker} judges a server by: the last N calls, or the
 * calls of the last span of time (kept in one-second buckets).
 */
public sealed interface WindowSize {

    /** Bounds that keep a window's memory small: a ring of this many bytes, or of this many buckets. */
    int MAX_CALLS = 100_000;
    Duration MAX_SPAN = Duration.ofHours(1);

    /** The last {@code count} calls. */
    record Calls(int count) implements WindowSize {
        public Calls {
            if (count < 1 || count > MAX_CALLS) {
                throw new IllegalArgumentException("window must hold 1 to " + MAX_CALLS + " calls, not " + count);
            }
        }

        @Override
        public String toString() {
            return count + " calls";
        }
    }

    /** The calls of the last {@code span}, rounded up to whole seconds (the bucket size). */
    record Span(Duration span) implements WindowSize {
        public Span {
            Objects.requireNonNull(span, "span");
            if (span.compareTo(Duration.ofSeconds(1)) < 0 || span.compareTo(MAX_SPAN) > 0) {
                throw new IllegalArgumentException("window must span 1s to " + MAX_SPAN.toMinutes() + "m, not " + span);
            }
        }

        /** The number of one-second buckets. */
        public int seconds() {
            return (int) (span.toSeconds() + (span.toNanosPart() > 0 ? 1 : 0));
        }

        @Override
        public String toString() {
            return seconds() + "s";
        }
    }

    static WindowSize calls(int count) {
        return new Calls(count);
    }

    static WindowSize span(Duration span) {
        return new Span(span);
    }
}
