package io.pgmux.sharding;

/**
 * Why a scattered statement cannot be merged correctly. Thrown inside this package: the
 * planner turns it into {@link ScatterPlan.Unmergeable}, the merger into an ErrorResponse.
 */
public final class MergeException extends RuntimeException {
    MergeException(String reason) {
        super(reason, null, false, false);
    }
}
