package io.pgmux.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Read/write splitting of one database ({@code routing:}): which work may go to its replicas, how
 * replicas are chosen, and how stale a replica may be.
 *
 * @param autocommitSelects   where a lone autocommit SELECT that provably writes nothing goes
 * @param balance             how a replica is chosen among the usable ones
 * @param fallbackToPrimary   reads go to the primary when no replica is usable (else they fail)
 * @param primaryReads        {@code fallback}: the primary reads only when no replica can;
 *                            {@code share}: it also takes its share of reads
 * @param maxReplicaLagBytes  a replica further behind the primary's WAL than this is out of rotation; 0 = no limit
 * @param maxReplicaLagTime   ... or further behind in time (replay timestamp); zero = no limit
 * @param consistency         {@code eventual}, or {@code read_your_writes}: after a client's write its
 *                            reads go only to replicas that replayed it (or to the primary)
 * @param rywTimeout          how long after a write read-your-writes applies
 * @param healthCheckInterval how often every backend is checked (health, role, lag)
 * @param healthCheckTimeout  a check taking longer counts as failed
 * @param retryReads          an autocommit read whose replica fails before sending a row is retried once elsewhere
 * @param denyFunctions       more functions that keep a SELECT on the primary (on top of nextval, setval...)
 */
public record RoutingConfig(Target autocommitSelects, Balance balance, boolean fallbackToPrimary,
                            PrimaryReads primaryReads, long maxReplicaLagBytes, Duration maxReplicaLagTime,
                            Consistency consistency, Duration rywTimeout, Duration healthCheckInterval,
                            Duration healthCheckTimeout, boolean retryReads, List<String> denyFunctions) {

    public enum Target { PRIMARY, REPLICA }

    public enum Balance { LEAST_OUTSTANDING, ROUND_ROBIN }

    public enum PrimaryReads { FALLBACK, SHARE }

    public enum Consistency { EVENTUAL, READ_YOUR_WRITES }

    public RoutingConfig {
        Objects.requireNonNull(autocommitSelects, "autocommitSelects");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(primaryReads, "primaryReads");
        Objects.requireNonNull(consistency, "consistency");
        denyFunctions = List.copyOf(denyFunctions);
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(Target.PRIMARY, Balance.LEAST_OUTSTANDING, true, PrimaryReads.FALLBACK,
                16L * 1024 * 1024, Duration.ZERO, Consistency.EVENTUAL, Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1), true, List.of());
    }

    /** Looks an enum constant up by its YAML spelling ({@code least_outstanding}), ignoring case. */
    static <E extends Enum<E>> Optional<E> fromConfigName(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
