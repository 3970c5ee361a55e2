package io.pgmux.resilience;

/**
 * One consistent reading of a {@link CircuitBreaker}, for SHOW BREAKERS and metrics.
 *
 * @param name                the breaker's name
 * @param state               its state
 * @param consecutiveFailures failures since the last success (counted while closed)
 * @param failures            failed calls reported since it was made
 * @param successes           successful calls reported
 * @param ignored             calls reported as saying nothing about the server
 * @param rejected            calls refused while open (or half-open with every probe out)
 * @param opens               times it opened
 * @param lastFailure         the last failure, in words; empty before the first
 * @param openedAtMillis      wall-clock time it last opened; 0 when closed
 * @param retryAtMillis       wall-clock time it lets a probe through; 0 unless open
 */
public record BreakerSnapshot(String name, CircuitBreaker.State state, int consecutiveFailures, long failures,
                              long successes, long ignored, long rejected, long opens, String lastFailure,
                              long openedAtMillis, long retryAtMillis) {
}
