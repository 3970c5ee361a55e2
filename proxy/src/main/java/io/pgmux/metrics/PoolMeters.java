package io.pgmux.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pgmux.pool.Pool;
import io.pgmux.pool.PoolStats;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import io.pgmux.pool.StripedCounter;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The meters of one pool, labelled {@code database} and {@code user} (the pool's server user):
 * connection gauges, counters over its {@link PoolStats}, and the duration histograms fed through
 * its {@link PoolStats.DurationSink}. Labels are bounded by the configuration: no per-client or
 * per-query label anywhere.
 */
final class PoolMeters implements PoolStats.DurationSink, PoolStats.ErrorSink {
    /** Histogram buckets from half a millisecond to a minute: OLTP latencies up to batch jobs. */
    private static final Duration[] BUCKETS = {Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};
    private static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{5}");

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer transactions;
    private final Timer queries;
    private final Timer waits;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    /** Oldest queued client's wait, sampled before each scrape (needs the partitions' loops). */
    private volatile double maxWaitSeconds;

    PoolMeters(MeterRegistry registry, Pool pool, ClientCensus census) {
        this.registry = registry;
        this.tags = Tags.of("database", pool.key().database(), "user", pool.key().user(), "backend", pool.key().backend());
        PoolStats s = pool.stats();
        for (ClientCensus.ClientState state : new ClientCensus.ClientState[] {
            ClientCensus.ClientState.ACTIVE, ClientCensus.ClientState.WAITING, ClientCensus.ClientState.IDLE}) {
            gauge("pgmux.clients", "Client sessions of the pool by state: active (holds a server), waiting "
                    + "(for a server), idle (between transactions)", census, c -> c.count(pool, state),
                    tags.and("state", state.name().toLowerCase(Locale.ROOT)));
        }
        gauge("pgmux.clients.pinned", "Client sessions pinned to their server connection by session state",
                census, c -> c.count(pool, ClientCensus.ClientState.PINNED), tags);
        gauge("pgmux.servers", "Server connections of the pool by state", pool, p -> p.counts().serversActive(),
                tags.and("state", "active"));
        gauge("pgmux.servers", "Server connections of the pool by state", pool, p -> p.counts().serversIdle(),
                tags.and("state", "idle"));
        gauge("pgmux.servers", "Server connections of the pool by state", pool, p -> p.counts().serversOpening(),
                tags.and("state", "login"));
        gauge("pgmux.pool.size", "Most server connections the pool may hold (pool.size)", pool,
                p -> p.settings().size(), tags);
        gauge("pgmux.pool.paused", "1 while the pool is paused by the admin console's PAUSE", pool,
                p -> p.isPaused() ? 1 : 0, tags);
        Gauge.builder("pgmux.pool.maxwait", this, m -> m.maxWaitSeconds).baseUnit("seconds").tags(tags)
                .description("How long the oldest client queued for a server connection has waited")
                .strongReference(true).register(registry);
        counter("pgmux.transactions", "Transactions completed (PgBouncer's total_xact_count)", s.transactions, null);
        counter("pgmux.queries", "SQL commands sent: simple queries and Executes (total_query_count)", s.queries, null);
        counter("pgmux.server.assignments", "Times a server connection was handed to a client", s.assignments, null);
        counter("pgmux.client.received", "Bytes received from clients", s.bytesFromClients, "bytes");
        counter("pgmux.client.sent", "Bytes sent to clients (read from servers)", s.bytesFromServers, "bytes");
        counter("pgmux.prepared.hits", "Statement cache hits: a client's statement was already prepared on the server",
                s.preparedHits, null);
        counter("pgmux.prepared.misses", "Statement cache misses: pgmux prepared the statement on the server",
                s.preparedMisses, null);
        counter("pgmux.prepared.evictions", "Statements closed on servers to stay within max_prepared_statements",
                s.preparedEvictions, null);
        counter("pgmux.server.connections.opened", "Server connections opened (logged in)",
                s.serverConnectionsOpened, null);
        counter("pgmux.server.connect.failures", "Failed attempts to open a server connection", s.connectFailures, null);
        counter("pgmux.pool.wait.timeouts", "Clients that waited query_wait_timeout for a server connection and gave up",
                s.waitTimeouts, null);
        transactions = timer("pgmux.transaction.duration", "Transaction durations, first request to ReadyForQuery idle");
        queries = timer("pgmux.query.duration", "Time a server worked on a request batch, request to ReadyForQuery");
        waits = timer("pgmux.pool.wait", "Time clients queued for a server connection (only those that queued)");
        s.sink(this);
        s.errorSink(this);
    }

    private <T> void gauge(String name, String help, T obj, ToDoubleFunction<T> f, Tags t) {
        Gauge.builder(name, obj, f).description(help).tags(t).strongReference(true).register(registry);
    }

    private void counter(String name, String help, StripedCounter adder, String unit) {
        FunctionCounter.builder(name, adder, StripedCounter::doubleValue).description(help).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private Timer timer(String name, String help) {
        return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
    }

    void maxWait(double seconds) {
        this.maxWaitSeconds = seconds;
    }

    @Override
    public void transaction(long nanos) {
        transactions.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void query(long nanos) {
        queries.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void waited(long nanos) {
        waits.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counted by SQLSTATE class (the first two characters): about forty values at most. */
    @Override
    public void error(String sqlState) {
        String cls = sqlState != null && SQLSTATE.matcher(sqlState).matches() ? sqlState.substring(0, 2) : "other";
        errors.computeIfAbsent(cls, c -> Counter.builder("pgmux.errors")
                .description("Errors sent to clients (from servers, or pgmux's own) by SQLSTATE class")
                .tags(tags.and("class", c)).register(registry)).increment();
    }
}
