package io.microregistry.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.microregistry.WatchStatus;
import io.microregistry.cache.CacheStatus;
import io.microregistry.metrics.RegistryObserver;
import io.microregistry.selector.NoEligibleNodeException;
import io.microregistry.selector.NoSuchServiceException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's {@link RegistryObserver} as Micrometer meters, named and tagged the way Spring
 * Cloud LoadBalancer ({@code loadbalancer.requests.*}) and SmallRye Stork
 * ({@code stork.service-discovery.*}, tag {@code service-name}) name theirs:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@value #REGISTRATIONS}</td><td>long task timer</td><td>{@code service-name}</td>
 *       <td>nodes kept alive now (active count) and for how long (duration)</td></tr>
 *   <tr><td>{@value #LIVENESS_LOSSES}</td><td>counter</td><td>{@code primitive}</td>
 *       <td>leases / sessions / TTL checks lost</td></tr>
 *   <tr><td>{@value #WRITTEN_BACK}</td><td>counter</td><td>{@code service-name}</td>
 *       <td>registrations written back after a loss</td></tr>
 *   <tr><td>{@value #WATCH_STATUS_CHANGES}</td><td>counter</td><td>{@code service-name}, {@code status}</td>
 *       <td>shared watches entering a state</td></tr>
 *   <tr><td>{@value #WATCH_RESYNCS}</td><td>counter</td><td>{@code service-name}, {@code outcome}</td>
 *       <td>re-opens and re-reads of a broken watch</td></tr>
 *   <tr><td>{@value #CACHE_STATUS}</td><td>long task timer</td><td>{@code service-name}, {@code status}</td>
 *       <td>cached services in each state now, and since when</td></tr>
 *   <tr><td>{@value #CACHE_STATUS_CHANGES}</td><td>counter</td><td>{@code service-name}, {@code status}</td>
 *       <td>cached services entering a state</td></tr>
 *   <tr><td>{@value #SELECTIONS}</td><td>counter</td><td>{@code service-name}, {@code outcome}</td>
 *       <td>selector picks, and picks that found no node</td></tr>
 *   <tr><td>{@value #EJECTIONS}</td><td>counter</td><td>{@code service-name}</td>
 *       <td>nodes ejected by a selector after failed calls</td></tr>
 * </table>
 *
 * <p>The watch of every service (what a cache follows) carries {@code service-name="*"}.
 * Gauge-like meters are long task timers because every client of a process (several registries,
 * several caches) adds its own tasks to the one meter, so the active count is the process's
 * total — a plain gauge would show one client's value only.
 *
 * <p><b>Binding.</b> With this jar on the class path every client finds this class through
 * {@link java.util.ServiceLoader} and reports to {@link Metrics#globalRegistry} (Spring Boot adds
 * its registry there by default; else {@code Metrics.addRegistry(registry)}). To report to one
 * registry only, pass {@code new MicrometerObserver(registry)} to the client
 * ({@code new StoreRegistry(store, observer)}, {@code CacheOptions.builder().observer(observer)},
 * {@code memoryStore.client(observer)}); one instance may serve any number of clients.
 *
 * <p>Thread-safe, non-blocking; a selection allocates nothing once its service's counter exists.
 */
public final class MicrometerObserver implements RegistryObserver {

    public static final String REGISTRATIONS = "microregistry.registrations";
    public static final String LIVENESS_LOSSES = "microregistry.liveness.losses";
    public static final String WRITTEN_BACK = "microregistry.registrations.written-back";
    public static final String WATCH_STATUS_CHANGES = "microregistry.watch.status.changes";
    public static final String WATCH_RESYNCS = "microregistry.watch.resyncs";
    public static final String CACHE_STATUS = "microregistry.cache.status";
    public static final String CACHE_STATUS_CHANGES = "microregistry.cache.status.changes";
    public static final String SELECTIONS = "microregistry.selections";
    public static final String EJECTIONS = "microregistry.ejections";

    /** The service a meter is about (Stork's tag). */
    public static final String SERVICE_NAME = "service-name";
    /** {@link #SERVICE_NAME} of the watch of every service. */
    public static final String ALL_SERVICES = "*";

    private final MeterRegistry registry;
    private final Meter.MeterProvider<LongTaskTimer> registrations;
    private final Meter.MeterProvider<Counter> livenessLosses;
    private final Meter.MeterProvider<Counter> writtenBack;
    private final Meter.MeterProvider<Counter> watchStatusChanges;
    private final Meter.MeterProvider<Counter> watchResyncs;
    private final Meter.MeterProvider<LongTaskTimer> cacheStatus;
    private final Meter.MeterProvider<Counter> cacheStatusChanges;
    private final Meter.MeterProvider<Counter> selections;
    private final Meter.MeterProvider<Counter> ejections;
    /** Successful selections per service: the hot path, looked up without allocating. */
    private final ConcurrentHashMap<String, Counter> selected = new ConcurrentHashMap<>();
    /** Running tasks of the long task timers, per key; interchangeable within a key. */
    private final ConcurrentHashMap<String, Deque<LongTaskTimer.Sample>> running = new ConcurrentHashMap<>();

    /** Reports to {@link Metrics#globalRegistry}: what {@link java.util.ServiceLoader} creates. */
    public MicrometerObserver() {
        this(Metrics.globalRegistry);
    }

    /** Reports to {@code registry}. */
    public MicrometerObserver(MeterRegistry registry) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        this.registry = registry;
        this.registrations = LongTaskTimer.builder(REGISTRATIONS)
                .description("Registrations this process keeps alive (active) and for how long").withRegistry(registry);
        this.livenessLosses = Counter.builder(LIVENESS_LOSSES)
                .description("Liveness primitives (lease, session, TTL check) lost by this process's registry clients")
                .withRegistry(registry);
        this.writtenBack = Counter.builder(WRITTEN_BACK)
                .description("Registrations written back after their liveness primitive was lost").withRegistry(registry);
        this.watchStatusChanges = Counter.builder(WATCH_STATUS_CHANGES)
                .description("Shared registry watches entering a state (CURRENT, RESYNCING, STALE)").withRegistry(registry);
        this.watchResyncs = Counter.builder(WATCH_RESYNCS)
                .description("Re-opens and re-reads of a broken registry watch, by outcome").withRegistry(registry);
        this.cacheStatus = LongTaskTimer.builder(CACHE_STATUS)
                .description("Cached services in each state (active) and for how long").withRegistry(registry);
        this.cacheStatusChanges = Counter.builder(CACHE_STATUS_CHANGES)
                .description("Cached services entering a state (CURRENT, RESYNCING, STALE, DEGRADED)").withRegistry(registry);
        this.selections = Counter.builder(SELECTIONS)
                .description("Node selections, by outcome (success, no-such-service, no-eligible-node, unavailable)")
                .withRegistry(registry);
        this.ejections = Counter.builder(EJECTIONS)
                .description("Nodes ejected by a selector after failed calls").withRegistry(registry);
    }

    /** The registry this observer reports to. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    @Override
    public void registrationKept(String service, String nodeId) {
        start(key(REGISTRATIONS, service, nodeId), registrations.withTags(SERVICE_NAME, service));
    }

    @Override
    public void registrationReleased(String service, String nodeId) {
        stop(key(REGISTRATIONS, service, nodeId));
    }

    @Override
    public void livenessLost(String primitive, int records) {
        livenessLosses.withTags("primitive", primitive).increment();
    }

    @Override
    public void writtenBack(String service, String nodeId) {
        writtenBack.withTags(SERVICE_NAME, service).increment();
    }

    @Override
    public void watchStatusChanged(Optional<String> service, WatchStatus.State state) {
        watchStatusChanges.withTags(SERVICE_NAME, service.orElse(ALL_SERVICES), "status", state.name()).increment();
    }

    @Override
    public void watchResync(Optional<String> service, boolean succeeded) {
        watchResyncs.withTags(SERVICE_NAME, service.orElse(ALL_SERVICES), "outcome", succeeded ? "success" : "failure")
                .increment();
    }

    @Override
    public void cacheStatusChanged(String service, CacheStatus.State from, CacheStatus.State to) {
        if (from != CacheStatus.State.NOT_LOADED) {
            stop(key(CACHE_STATUS, service, from.name()));
        }
        if (to != CacheStatus.State.NOT_LOADED) {
            start(key(CACHE_STATUS, service, to.name()), cacheStatus.withTags(SERVICE_NAME, service, "status", to.name()));
            cacheStatusChanges.withTags(SERVICE_NAME, service, "status", to.name()).increment();
        }
    }

    @Override
    public void selected(String service) {
        Counter counter = selected.get(service);
        if (counter == null) {
            counter = selected.computeIfAbsent(service, s -> selections.withTags(SERVICE_NAME, s, "outcome", "success"));
        }
        counter.increment();
    }

    @Override
    public void selectionFailed(String service, RuntimeException failure) {
        String outcome = failure instanceof NoSuchServiceException ? "no-such-service"
                : failure instanceof NoEligibleNodeException ? "no-eligible-node" : "unavailable";
        selections.withTags(SERVICE_NAME, service, "outcome", outcome).increment();
    }

    @Override
    public void ejected(String service, String nodeId, Duration period) {
        ejections.withTags(SERVICE_NAME, service).increment();
    }

    private static String key(String meter, String first, String second) {
        return meter + '\0' + first + '\0' + second;
    }

    private void start(String key, LongTaskTimer timer) {
        running.compute(key, (k, samples) -> {
            Deque<LongTaskTimer.Sample> next = samples == null ? new ArrayDeque<>(1) : samples;
            next.push(timer.start());
            return next;
        });
    }

    /** Stops the latest task of {@code key}: tasks of one key are interchangeable for the count. */
    private void stop(String key) {
        running.computeIfPresent(key, (k, samples) -> {
            LongTaskTimer.Sample sample = samples.poll();
            if (sample != null) {
                sample.stop();
            }
            return samples.isEmpty() ? null : samples;
        });
    }

    @Override
    public String toString() {
        return "MicrometerObserver[" + registry.getClass().getSimpleName() + "]";
    }
}
