package io.pgmux.resilience;

/** What one call told a {@link SlidingWindow} about the server. */
public enum Outcome {
    /** Succeeded within the slow-call threshold (or no threshold is set). */
    SUCCESS,
    /** Succeeded, but took longer than the slow-call threshold. */
    SLOW_SUCCESS,
    /** Failed in a way that is the server's doing (see {@link FailureClassifier}). */
    FAILURE
}
