package io.pgmux.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.pgmux.frontend.ClientRegistry;
import io.pgmux.health.BackendHealth;
import io.pgmux.health.BackendStatus;
import io.pgmux.pool.PartitionSnapshot;
import io.pgmux.pool.Pool;
import io.pgmux.server.Version;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * pgmux's Prometheus registry: a meter set per pool ({@link PoolMeters}), client and backend
 * gauges, and Micrometer's JVM, process and Netty binders (which keep their standard names,
 * {@code jvm_*}, {@code process_*}, {@code system_*}, {@code netty_*}, so stock dashboards work).
 * Before each scrape it samples what gauges cannot read directly: client states, the oldest
 * waiter of each pool (on the pools' own loops) and backend health (cached probes).
 */
public final class ProxyMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ClientCensus census = new ClientCensus();
    private final Map<Pool, PoolMeters> pools = new ConcurrentHashMap<>();
    private final Map<String, BackendGauge> backends = new ConcurrentHashMap<>();
    private final ClientRegistry clients;
    private final BackendHealth health;
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** One backend's gauges: up (1 up, 0 down, NaN not known), in rotation, and a replica's lag. */
    private final io.pgmux.resilience.Breakers breakers;

    private static final class BackendGauge {
        volatile double up = Double.NaN;
        volatile double usable = Double.NaN;
        volatile double lagBytes = Double.NaN;
        volatile double lagSeconds = Double.NaN;
        volatile double breaker = Double.NaN;
        final List<Gauge> gauges = new ArrayList<>();
    }

    /** @param workers the proxy's event loops, for their pending-task gauges */
    public ProxyMetrics(ClientRegistry clients, BackendHealth health, Iterable<EventExecutor> workers,
                        io.pgmux.resilience.Breakers breakers) {
        this.clients = clients;
        this.health = health;
        this.breakers = breakers;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            new NettyAllocatorMetrics(provider).bindTo(registry);
        }
        new NettyEventExecutorMetrics(workers).bindTo(registry);
        Gauge.builder("pgmux.client.connections", clients, c -> c.connectionCount())
                .description("Client connections open, including those logging in and admin console sessions")
                .strongReference(true).register(registry);
        Gauge.builder("pgmux.info", () -> 1).description("pgmux's version, as a label")
                .tags("version", Version.get()).register(registry);
    }

    /** A pool was created: its meters are registered and its stats feed the histograms. */
    public void register(Pool pool) {
        pools.computeIfAbsent(pool, p -> new PoolMeters(registry, p, census));
    }

    /** Samples what the gauges need, then renders the Prometheus text format 0.0.4. */
    public Future<String> scrape() {
        census.refresh(clients.sessions());
        Promise<String> text = ImmediateEventExecutor.INSTANCE.newPromise();
        AtomicInteger remaining = new AtomicInteger(pools.size() + 1);
        Runnable done = () -> {
            if (remaining.decrementAndGet() == 0) {
                text.trySuccess(registry.scrape());
            }
        };
        long now = System.nanoTime();
        pools.forEach((pool, meters) -> {
            Future<List<PartitionSnapshot>> f = pool.snapshot();
            f.addListener(x -> {
                if (f.isSuccess()) {
                    long oldest = f.getNow().stream().flatMap(p -> p.waiting().stream())
                            .mapToLong(PartitionSnapshot.Waiting::sinceNanos).min().orElse(now);
                    meters.maxWait(Math.max(0, now - oldest) / 1e9);
                }
                done.run();
            });
        });
        Future<List<BackendStatus>> checked = health.check();
        checked.addListener(x -> {
            if (checked.isSuccess()) {
                backends(checked.getNow());
            }
            done.run();
        });
        return text;
    }

    private synchronized void backends(List<BackendStatus> statuses) {
        Set<String> seen = new HashSet<>();
        for (BackendStatus s : statuses) {
            String key = s.database() + "|" + s.role() + "|" + s.address();
            seen.add(key);
            BackendGauge g = backends.computeIfAbsent(key, k -> backendGauges(s));
            g.up = switch (s.health()) {
                case DOWN -> 0;
                case UNKNOWN -> Double.NaN;
                default -> 1; // it answers, whatever its role or lag
            };
            g.usable = switch (s.health()) {
                case UP -> 1;
                case UNKNOWN -> Double.NaN;
                default -> 0;
            };
            g.lagBytes = s.lagBytes() == null ? Double.NaN : s.lagBytes();
            g.lagSeconds = s.lagSeconds() == null ? Double.NaN : s.lagSeconds();
            io.pgmux.resilience.CircuitBreaker.State b = breakers.stateOf(s.database(), s.address());
            g.breaker = b == null ? Double.NaN : switch (b) {
                case CLOSED -> 0;
                case HALF_OPEN -> 1;
                case OPEN -> 2;
            };
        }
        backends.entrySet().removeIf(e -> {
            boolean gone = !seen.contains(e.getKey());
            if (gone) {
                e.getValue().gauges.forEach(registry::remove); // no longer configured (RELOAD)
            }
            return gone;
        });
    }

    private BackendGauge backendGauges(BackendStatus s) {
        BackendGauge n = new BackendGauge();
        String[] tags = {"database", s.database(), "role", s.role().label(), "address", s.address()};
        n.gauges.add(Gauge.builder("pgmux.backend.up", n, b -> b.up)
                .description("1 when the backend answers pgmux's checks, 0 when not, NaN when it cannot be checked")
                .tags(tags).strongReference(true).register(registry));
        n.gauges.add(Gauge.builder("pgmux.backend.usable", n, b -> b.usable)
                .description("1 when the backend takes work (up, in its configured role, within max_replica_lag), "
                        + "0 when it is out of rotation, NaN when not known")
                .tags(tags).strongReference(true).register(registry));
        n.gauges.add(Gauge.builder("pgmux.breaker.state", n, b -> b.breaker)
                .description("The backend's circuit breaker: 0 closed, 1 half-open, 2 open; NaN when breakers are off")
                .tags(tags).strongReference(true).register(registry));
        if (s.role() == BackendStatus.Role.REPLICA) {
            n.gauges.add(Gauge.builder("pgmux.replica.lag.bytes", n, b -> b.lagBytes)
                    .description("WAL bytes the replica has yet to replay, behind the primary's position")
                    .baseUnit("bytes").tags(tags).strongReference(true).register(registry));
            n.gauges.add(Gauge.builder("pgmux.replica.lag.seconds", n, b -> b.lagSeconds)
                    .description("How far behind the replica's replay is in time, while WAL is outstanding")
                    .tags(tags).strongReference(true).register(registry));
        }
        return n;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
