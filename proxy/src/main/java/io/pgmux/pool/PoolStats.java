package io.pgmux.pool;

/**
 * Counters of one pool, written by every event loop, read by the admin console and the metrics
 * exporter. Striped single-writer counters on the hot path; durations also go to an optional {@link DurationSink}
 * (the metrics histograms), set once the exporter is up.
 */
public final class PoolStats {
    /** Receives durations for histograms. Implementations must be thread-safe and cheap. */
    public interface DurationSink {
        void transaction(long nanos);

        void query(long nanos);

        void waited(long nanos);
    }

    /** Receives the SQLSTATE of each error a client of the pool is sent (issue 4: errors by class). */
    public interface ErrorSink {
        void error(String sqlState);
    }

    public final StripedCounter transactions = new StripedCounter();
    public final StripedCounter queries = new StripedCounter();
    public final StripedCounter bytesFromClients = new StripedCounter();
    public final StripedCounter bytesFromServers = new StripedCounter();
    /** Time server connections spent in client transactions (PgBouncer's total_xact_time). */
    public final StripedCounter transactionNanos = new StripedCounter();
    /** Time server connections spent running requests (PgBouncer's total_query_time). */
    public final StripedCounter queryNanos = new StripedCounter();
    /** Times a server connection was handed to a client (PgBouncer's total_server_assignment_count). */
    public final StripedCounter assignments = new StripedCounter();
    public final StripedCounter waits = new StripedCounter();
    public final StripedCounter waitNanos = new StripedCounter();
    public final StripedCounter waitTimeouts = new StripedCounter();
    public final StripedCounter connectFailures = new StripedCounter();
    public final StripedCounter serverConnectionsOpened = new StripedCounter();
    public final StripedCounter preparedHits = new StripedCounter();
    public final StripedCounter preparedMisses = new StripedCounter();
    public final StripedCounter preparedEvictions = new StripedCounter();
    /** Parse messages from clients, whether or not pgmux sent them on (PgBouncer's total_client_parse_count). */
    public final StripedCounter clientParses = new StripedCounter();
    /** Bind messages from clients (PgBouncer's total_bind_count). */
    public final StripedCounter binds = new StripedCounter();
    private volatile DurationSink sink;
    private volatile ErrorSink errorSink;

    public void sink(DurationSink newSink) {
        this.sink = newSink;
    }

    public void errorSink(ErrorSink newSink) {
        this.errorSink = newSink;
    }

    /** An ErrorResponse went to a client: from the server, or pgmux's own. Not on the hot path. */
    public void recordError(String sqlState) {
        ErrorSink s = errorSink;
        if (s != null) {
            s.error(sqlState);
        }
    }

    public void recordTransaction(long nanos) {
        transactions.increment();
        transactionNanos.add(nanos);
        DurationSink s = sink;
        if (s != null) {
            s.transaction(nanos);
        }
    }

    public void recordQuery(long nanos) {
        queryNanos.add(nanos);
        DurationSink s = sink;
        if (s != null) {
            s.query(nanos);
        }
    }

    public void recordWait(long nanos) {
        waitNanos.add(nanos);
        DurationSink s = sink;
        if (s != null) {
            s.waited(nanos);
        }
    }
}
