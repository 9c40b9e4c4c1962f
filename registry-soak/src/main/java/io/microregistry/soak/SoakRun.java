package io.microregistry.soak;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.cache.CacheStatus;
import io.microregistry.cache.CachingRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Drives one backend through a seeded random sequence of faults and checks the registry after
 * each: a real server process, registrant child JVMs, and an observer client with an open
 * subscription and a {@link CachingRegistry} view.
 *
 * <p>After each fault one live registrant (chosen by the seed) writes its nodes again with new
 * metadata, so a watcher that went silent shows. Then, within {@link SoakSettings#window()}
 * of the fault's end, the backend ({@code getService}), the subscription and the cache must all
 * show exactly the nodes of the live registrants with their latest metadata. The fault's end is
 * when the server is ready again (server faults), when the registrant was killed, or when it
 * was resumed; recovery is measured from there. The window opens at the same moment, except
 * after a registrant SIGKILL, where it opens once the replacement process has registered (a
 * JVM's start on a loaded machine is not the registry's recovery). A diverged view is replaced by a new one after it is counted, so each fault is
 * judged on its own.
 *
 * <p>Blocking, single use, not thread-safe.
 */
final class SoakRun {
    private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
    static final String SERVICE = "soak";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration START_BOUND = Duration.ofSeconds(90);

    private final SoakSettings settings;
    private final Random random;
    private final List<Registrant> registrants = new ArrayList<>();
    private final List<FaultOutcome> outcomes = new ArrayList<>();
    private ServerProcess server;
    private Registry observer;
    private CachingRegistry cache;
    private SubscribedView view;
    private DeadNodes deadNodes;
    private int incarnations;

    SoakRun(SoakSettings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /** Runs the soak and returns one outcome per fault. Setup failures are {@link IllegalStateException}s. */
    SoakResult run() {
        Instant started = Instant.now();
        try {
            Files.createDirectories(settings.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String aborted = "";
        try {
            try {
                setUp();
            } catch (RuntimeException e) {
                LOG.error("{} soak could not set up", settings.backend(), e);
                throw e;
            }
            List<FaultKind> sequence = sequence();
            for (int i = 0; i < sequence.size(); i++) {
                try {
                    FaultOutcome outcome = inject(i, sequence.get(i));
                    outcomes.add(outcome);
                    LOG.info("{} fault {}/{}: {}", settings.backend(), i + 1, sequence.size(), outcome);
                } catch (RuntimeException e) {
                    // The harness could not go on (a server that does not come back): keep what was measured.
                    LOG.error("{} soak aborted at fault {} ({})", settings.backend(), i + 1, sequence.get(i), e);
                    aborted = "aborted at fault " + (i + 1) + " (" + sequence.get(i) + "): " + e.getMessage();
                    break;
                }
            }
        } finally {
            tearDown();
        }
        return new SoakResult(settings, started, Instant.now(), List.copyOf(outcomes), aborted);
    }

    /** Rounds of every enabled kind, each round shuffled by the seed, cut at the fault count. */
    private List<FaultKind> sequence() {
        List<FaultKind> kinds = new ArrayList<>(new TreeSet<>(settings.kinds()));
        List<FaultKind> sequence = new ArrayList<>();
        while (sequence.size() < settings.faults()) {
            List<FaultKind> round = new ArrayList<>(kinds);
            Collections.shuffle(round, random);
            sequence.addAll(round);
        }
        return sequence.subList(0, settings.faults());
    }

    private void setUp() {
        server = ServerProcess.start(settings.backend());
        observer = Registries.open(settings.backend().provider(), RegistryConfig.of(server.address()));
        view = openView();
        for (int i = 0; i < settings.registrants(); i++) {
            registrants.add(newRegistrant());
        }
        for (Registrant registrant : registrants) {
            if (!registrant.awaitGen(START_BOUND)) {
                throw new IllegalStateException("registrant " + registrant.prefix() + " did not register in " + START_BOUND);
            }
        }
        cache = CachingRegistry.view(observer);
        deadNodes = new DeadNodes(observer, SERVICE, settings.ttl(), this::explainStale);
        long start = System.nanoTime();
        if (awaitAgreement(start, start) < 0) {
            throw new IllegalStateException("the registry did not show the registrants' nodes before any fault: "
                    + describe());
        }
    }

    /**
     * The first subscription, retried: on a loaded machine the client's first call (class
     * loading, channel set-up) can outlast its timeout, which says nothing about faults.
     */
    private SubscribedView openView() {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (true) {
            try {
                return SubscribedView.open(observer, SERVICE);
            } catch (RegistryException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.warn("{}: first subscription failed ({}); retrying", settings.backend(), e.toString());
                ServerProcess.pause(Duration.ofSeconds(1));
            }
        }
    }

    private Registrant newRegistrant() {
        return Registrant.start(settings.backend(), server.address(), SERVICE, "r" + (incarnations++),
                settings.nodesPerRegistrant(), settings.ttl(), settings.workDir());
    }

    private FaultOutcome inject(int index, FaultKind kind) {
        String target = "server";
        long end;
        Duration freeze = settings.ttl().multipliedBy(2);
        switch (kind) {
            case SERVER_SIGTERM -> {
                server.stop();
                server.launch();
                end = System.nanoTime();
            }
            case SERVER_SIGKILL -> {
                server.kill();
                server.launch();
                end = System.nanoTime();
            }
            case SERVER_WIPE -> {
                server.kill();
                server.wipe();
                server.launch();
                end = System.nanoTime();
            }
            case SERVER_SIGSTOP -> {
                server.freeze();
                ServerProcess.pause(freeze);
                server.thaw();
                end = System.nanoTime();
            }
            case REGISTRANT_SIGKILL -> {
                int slot = random.nextInt(registrants.size());
                Registrant dead = registrants.get(slot);
                target = dead.prefix();
                dead.kill();
                end = System.nanoTime();
                deadNodes.died(dead.nodeIds(), end);
                Registrant replacement = newRegistrant();
                registrants.set(slot, replacement);
                // A new JVM's start is not part of the fault: the window opens once it has registered
                // (if it never does, its nodes count as lost).
                replacement.awaitGen(START_BOUND);
            }
            case REGISTRANT_SIGSTOP -> {
                Registrant frozen = registrants.get(random.nextInt(registrants.size()));
                target = frozen.prefix();
                frozen.freeze();
                deadNodes.died(frozen.nodeIds(), System.nanoTime());
                ServerProcess.pause(freeze);
                frozen.thaw();
                end = System.nanoTime();
                deadNodes.revived(frozen.nodeIds(), end);
            }
            default -> throw new IllegalStateException("unknown fault " + kind);
        }
        // A write after the fault: a watcher or cache that went quietly deaf misses it.
        registrants.get(random.nextInt(registrants.size())).bump();
        long recovery = awaitAgreement(end, Math.max(end, System.nanoTime()));
        return judge(index, kind, target, recovery);
    }

    /**
     * Polls until backend, subscription and cache all show what is expected, at most the window
     * from {@code opens}; returns the nanos since {@code end}, or -1.
     */
    private long awaitAgreement(long end, long opens) {
        long deadline = opens + settings.window().toNanos();
        while (true) {
            Map<String, String> expected = expected();
            Map<String, String> truth = backend();
            if (expected.equals(truth) && expected.equals(view.current()) && expected.equals(cached())) {
                return Math.max(0, System.nanoTime() - end);
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            ServerProcess.pause(POLL);
        }
    }

    private FaultOutcome judge(int index, FaultKind kind, String target, long recoveryNanos) {
        int lost = 0;
        int stale = 0;
        int diverged = 0;
        int silent = 0;
        List<String> detail = new ArrayList<>();
        deadNodes.catchUp();
        Set<String> staleIds = new TreeSet<>(deadNodes.drainStale());
        if (recoveryNanos < 0) {
            Map<String, String> expected = expected();
            Map<String, String> truth = backend();
            if (truth == null) {
                lost = expected.size();
                detail.add("backend unreadable");
            } else {
                for (Map.Entry<String, String> node : expected.entrySet()) {
                    if (!node.getValue().equals(truth.get(node.getKey()))) {
                        lost++;
                    }
                }
                for (String id : truth.keySet()) {
                    if (!expected.containsKey(id)) {
                        staleIds.add(id);
                    }
                }
                if (lost > 0) {
                    detail.add("expected " + expected + " backend " + truth);
                }
                Map<String, String> watched = view.current();
                if (!truth.equals(watched)) {
                    diverged++;
                    boolean quiet = view.status().isCurrent() && !view.closed();
                    silent += quiet ? 1 : 0;
                    detail.add("subscription (" + view.status().state() + ") " + watched);
                    view.close();
                    view = openView();
                }
                Map<String, String> cachedNow = cached();
                if (!truth.equals(cachedNow)) {
                    diverged++;
                    CacheStatus status = cache.status(SERVICE);
                    silent += status.state() == CacheStatus.State.CURRENT ? 1 : 0;
                    detail.add("cache (" + status.state() + ") " + cachedNow);
                    cache.close();
                    cache = CachingRegistry.view(observer);
                }
            }
        }
        stale = staleIds.size();
        if (stale > 0) {
            detail.add("stale " + staleIds);
            deadNodes.drainEvidence().forEach((id, evidence) -> detail.add("at first late sighting " + evidence));
        }
        List<Long> disappearances = deadNodes.drainDisappearances();
        return new FaultOutcome(index, kind, target, recoveryNanos < 0 ? -1 : recoveryNanos / 1_000_000, lost, stale,
                diverged, silent, disappearances, String.join("; ", detail));
    }

    /** What the backend holds for a node seen after its deadline (etcd: its lease), or a plain note. */
    private String explainStale(String nodeId) {
        if (settings.backend() == Backend.ETCD) {
            return EtcdLeaseProbe.explain(server.address(), SERVICE, List.of(nodeId));
        }
        return nodeId + ": no probe for " + settings.backend().provider();
    }

    private Map<String, String> expected() {
        Map<String, String> expected = new TreeMap<>();
        for (Registrant registrant : registrants) {
            registrant.expect(expected);
        }
        return expected;
    }

    /** The backend's answer, or null while it cannot answer. */
    private Map<String, String> backend() {
        try {
            return Snapshot.of(observer.getService(SERVICE));
        } catch (RegistryException e) {
            return null;
        }
    }

    private Map<String, String> cached() {
        try {
            return Snapshot.of(cache.getService(SERVICE));
        } catch (RegistryException e) {
            return null;
        }
    }

    private String describe() {
        return "expected " + expected() + ", backend " + backend() + ", subscription " + view.current()
                + ", cache " + cached() + "; server log:\n" + server.logTail();
    }

    private void tearDown() {
        if (deadNodes != null) {
            deadNodes.close();
        }
        for (Registrant registrant : registrants) {
            registrant.close();
        }
        if (view != null) {
            view.close();
        }
        if (cache != null) {
            cache.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
