package io.microregistry.tck.fuzz;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistrationRules;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Drives one backend with hostile registrations from {@link FuzzInputs} and classifies every
 * outcome ({@link Outcome}). Before the first case it registers sentinel services whose
 * names are lookalikes of what the generator produces; it keeps a model of what must be
 * registered and, after every call, reads the service back: a record that differs from the
 * model, a node that appears though no accepted call wrote it (a partial write, a key shared
 * by two names), or a sentinel that changed or vanished is a {@link Outcome#CORRUPTION},
 * counted on top of the call's own outcome. Some cases deregister an earlier record, or a
 * generated name that was never registered, which must remove nothing else.
 *
 * <p>Blocking: every registry call runs on a worker thread with a bound; one that does not
 * return counts as a {@link Outcome#HANG}, and the run goes on with fresh clients.
 *
 * <p>Not thread-safe: one run at a time per instance.
 */
public final class Fuzzer {

    /** Words a rejection must contain to count as naming its field. */
    private static final List<String> FIELDS = List.of("service name", "service version", "service metadata",
            "service nodes", "node id", "node address", "node metadata", "endpoint", "value", "record of node",
            "options", "service must");
    /** Packages of the libraries backends wrap: an exception of theirs reaching the user is raw. */
    private static final List<String> RAW_PACKAGES = List.of("io.grpc.", "io.etcd.", "io.netty.",
            "org.apache.zookeeper.", "org.apache.curator.", "com.fasterxml.", "com.ecwid.", "com.orbitz.",
            "org.apache.http.", "org.apache.hc.", "okhttp3.", "com.google.", "retrofit2.", "java.net.http.");
    private static final List<String> SENTINEL_NAMES = List.of("x?", "x", "a-b", "a/b", "a", "..", "svc0",
            "%2F", "x\uFFFD", "node-1", "Node-1", "\uD83D\uDE80");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Fuzzer.class);

    private record Key(String name, String nodeId) {
    }

    private final Supplier<Registry> clients;
    private final Duration propagation;
    private final Duration callBound;

    private ExecutorService worker;
    private Registry writer;
    private Registry reader;
    private final Map<Key, Service> model = new LinkedHashMap<>();
    private final Set<Key> sentinels = new HashSet<>();
    /** Where a run's time goes, logged at its end: the fuzzed calls, the read-backs, and read-backs repeated. */
    private long writeNanos;
    private long verifyNanos;
    private long verifications;
    private long rereads;

    /**
     * @param clients     new, independent clients of the backend under test; the fuzzer closes them
     * @param propagation how long a write may take to be visible to another client
     * @param callBound   how long one call may take before it counts as a hang
     */
    public Fuzzer(Supplier<Registry> clients, Duration propagation, Duration callBound) {
        this.clients = clients;
        this.propagation = propagation;
        this.callBound = callBound;
    }

    /** Runs {@code cases} generated registrations from {@code seed}; the counts. */
    public FuzzReport run(String backend, long seed, int cases) {
        FuzzReport report = new FuzzReport(backend, seed);
        FuzzInputs inputs = new FuzzInputs(seed);
        Random picks = new Random(seed ^ 0x5EED);
        open();
        try {
            registerSentinels();
            for (int caseNo = 1; caseNo <= cases; caseNo++) {
                report.countTried();
                int roll = picks.nextInt(100);
                if (roll < 12 && model.size() > sentinels.size()) {
                    deregisterEarlier(report, caseNo, picks);
                } else if (roll < 16) {
                    deregisterUnknown(report, caseNo, inputs.next());
                } else {
                    register(report, caseNo, inputs.next());
                }
                if (caseNo % 50 == 0) {
                    checkSentinels(report, caseNo);
                }
                if (caseNo % 500 == 0) {
                    LOG.info("fuzz {}: {} of {} cases, failures so far {}", backend, caseNo, cases,
                            report.failures());
                }
            }
            checkSentinels(report, cases);
            Set<String> names = new HashSet<>();
            model.keySet().forEach(k -> names.add(k.name()));
            for (String name : names) {
                String problem = verify(name);
                if (problem != null) {
                    report.count(Outcome.CORRUPTION, cases, "at the end: " + problem);
                }
            }
        } finally {
            close();
        }
        LOG.info("fuzz {}: {} cases, {} ms in fuzzed calls, {} ms in {} read-backs ({} read again after a mismatch)",
                backend, cases, writeNanos / 1_000_000, verifyNanos / 1_000_000, verifications, rereads);
        return report;
    }

    private void registerSentinels() {
        int i = 0;
        for (String name : SENTINEL_NAMES) {
            Service sentinel = Service.builder(name).version("sentinel")
                    .metadata("guard", "true")
                    .node(new Node("sentinel~" + i, "10.0.0." + (i + 1) + ":8080", Map.of("s", name)))
                    .build();
            i++;
            try {
                call(() -> {
                    writer.register(sentinel, RegisterOptions.defaults());
                    return null;
                });
            } catch (Throwable e) {
                throw new IllegalStateException("could not register sentinel " + name + ": " + e, e);
            }
            Key key = new Key(name, sentinel.nodes().get(0).id());
            model.put(key, sentinel);
            sentinels.add(key);
        }
    }

    private void register(FuzzReport report, int caseNo, Service service) {
        Map<Key, Service> before = new HashMap<>();
        for (Node node : service.nodes()) {
            Key key = new Key(service.name(), node.id());
            before.put(key, model.get(key));
        }
        Outcome outcome;
        String detail = "register " + describe(service);
        try {
            timed(() -> {
                writer.register(service, RegisterOptions.defaults());
                return null;
            });
            outcome = Outcome.ACCEPTED;
            for (Node node : service.nodes()) {
                Key key = new Key(service.name(), node.id());
                model.put(key, service.withNode(node));
            }
        } catch (Throwable t) {
            outcome = classify(t);
            detail += " -> " + t;
        }
        report.count(outcome, caseNo, detail);
        if (outcome == Outcome.HANG) {
            reopen();
        }
        if (RegistrationRules.isAcceptedName(service.name())) {
            String problem = verify(service.name());
            if (problem != null) {
                report.count(Outcome.CORRUPTION, caseNo, detail + ": " + problem);
                // Resynchronise the model with what the backend says, so one corruption is counted once.
                before.forEach((k, v) -> {
                    if (v == null) {
                        model.remove(k);
                    } else {
                        model.put(k, v);
                    }
                });
            }
        }
    }

    private void deregisterEarlier(FuzzReport report, int caseNo, Random picks) {
        List<Key> candidates = new ArrayList<>();
        for (Key k : model.keySet()) {
            if (!sentinels.contains(k)) {
                candidates.add(k);
            }
        }
        Key key = candidates.get(picks.nextInt(candidates.size()));
        Service record = model.get(key);
        String detail = "deregister " + describe(record);
        Outcome outcome;
        try {
            timed(() -> {
                writer.deregister(record);
                return null;
            });
            model.remove(key);
            outcome = Outcome.ACCEPTED;
        } catch (Throwable t) {
            outcome = classify(t);
            detail += " -> " + t;
        }
        report.count(outcome, caseNo, detail);
        if (outcome == Outcome.HANG) {
            reopen();
        }
        String problem = verify(key.name());
        if (problem != null) {
            report.count(Outcome.CORRUPTION, caseNo, detail + ": " + problem);
        }
    }

    /** Deregisters a generated service that was never registered: must remove nothing else. */
    private void deregisterUnknown(FuzzReport report, int caseNo, Service service) {
        for (Node node : service.nodes()) {
            if (model.containsKey(new Key(service.name(), node.id()))) {
                register(report, caseNo, service);
                return;
            }
        }
        String detail = "deregister unknown " + describe(service);
        Outcome outcome;
        try {
            timed(() -> {
                writer.deregister(service);
                return null;
            });
            outcome = Outcome.ACCEPTED;
        } catch (Throwable t) {
            outcome = classify(t);
            detail += " -> " + t;
        }
        report.count(outcome, caseNo, detail);
        if (outcome == Outcome.HANG) {
            reopen();
        }
        if (RegistrationRules.isAcceptedName(service.name())) {
            String problem = verify(service.name());
            if (problem != null) {
                report.count(Outcome.CORRUPTION, caseNo, detail + ": " + problem);
            }
        }
    }

    private void checkSentinels(FuzzReport report, int caseNo) {
        Set<String> names = new HashSet<>();
        sentinels.forEach(k -> names.add(k.name()));
        for (String name : names) {
            String problem = verify(name);
            if (problem != null) {
                report.count(Outcome.CORRUPTION, caseNo, "sentinel " + name + ": " + problem);
            }
        }
    }

    /** Null if the backend's view of {@code name} matches the model within the propagation bound; else what differs. */
    private String verify(String name) {
        long start = System.nanoTime();
        verifications++;
        try {
            return verifyWithin(start + propagation.toNanos(), name);
        } finally {
            verifyNanos += System.nanoTime() - start;
        }
    }

    private String verifyWithin(long deadline, String name) {
        String problem;
        do {
            problem = compare(name);
            if (problem == null) {
                return null;
            }
            rereads++;
            // A bounded poll, as Awaitility would do: the backend may take up to the propagation bound.
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while verifying";
            }
        } while (System.nanoTime() < deadline);
        return problem;
    }

    private String compare(String name) {
        List<Service> got;
        try {
            got = call(() -> reader.getService(name));
        } catch (Throwable t) {
            return "getService failed: " + t;
        }
        Map<Key, Service> expected = new HashMap<>();
        model.forEach((k, v) -> {
            if (k.name().equals(name)) {
                expected.put(k, v);
            }
        });
        Set<Key> seen = new HashSet<>();
        for (Service s : got) {
            if (!s.name().equals(name)) {
                return "asked for " + name + ", got a record of " + s.name();
            }
            for (Node n : s.nodes()) {
                Key key = new Key(name, n.id());
                Service want = expected.get(key);
                if (want == null) {
                    return "node " + n.id() + " is there though no accepted call wrote it (" + n + ")";
                }
                seen.add(key);
                if (!want.version().equals(s.version()) || !want.nodes().get(0).equals(n)) {
                    return "node " + n.id() + " reads back different: version " + s.version() + " " + n
                            + ", expected version " + want.version() + " " + want.nodes().get(0);
                }
                if (serviceFieldsUnique(expected, want) && (!want.metadata().equals(s.metadata())
                        || !want.endpoints().equals(s.endpoints()))) {
                    return "service fields of node " + n.id() + " read back different";
                }
            }
        }
        for (Key key : expected.keySet()) {
            if (!seen.contains(key)) {
                return "node " + key.nodeId() + " vanished" + (sentinels.contains(key) ? " (a sentinel)" : "");
            }
        }
        return null;
    }

    /** Whether every expected record of this version carries the same service-level fields. */
    private static boolean serviceFieldsUnique(Map<Key, Service> expected, Service want) {
        for (Service other : expected.values()) {
            if (other.version().equals(want.version()) && (!other.metadata().equals(want.metadata())
                    || !other.endpoints().equals(want.endpoints()))) {
                return false;
            }
        }
        return true;
    }

    private Outcome classify(Throwable t) {
        if (t instanceof TimeoutException) {
            return Outcome.HANG;
        }
        if (isRaw(t)) {
            return Outcome.RAW_BACKEND_EXCEPTION;
        }
        if (t instanceof IllegalArgumentException) {
            String message = Objects.toString(t.getMessage(), "");
            return FIELDS.stream().anyMatch(message::contains) ? Outcome.REJECTED_WITH_FIELD
                    : Outcome.REJECTED_WITHOUT_FIELD;
        }
        if (t instanceof RegistryException) {
            return Outcome.REFUSED_BY_BACKEND;
        }
        return Outcome.ESCAPE;
    }

    private static boolean isRaw(Throwable t) {
        String type = t.getClass().getName();
        if (RAW_PACKAGES.stream().anyMatch(type::startsWith)) {
            return true;
        }
        // A JDK exception type thrown from inside a backend library (an HTTP client's path check) is raw too.
        StackTraceElement[] stack = t.getStackTrace();
        return !(t instanceof RegistryException) && stack.length > 0
                && RAW_PACKAGES.stream().anyMatch(stack[0].getClassName()::startsWith);
    }

    /** A fuzzed call: {@link #call} with its time counted. */
    private <T> T timed(Callable<T> action) throws Throwable {
        long start = System.nanoTime();
        try {
            return call(action);
        } finally {
            writeNanos += System.nanoTime() - start;
        }
    }

    private <T> T call(Callable<T> action) throws Throwable {
        Future<T> future = worker.submit(action);
        try {
            return future.get(callBound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    private void open() {
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "micro-registry-fuzz");
            t.setDaemon(true);
            return t;
        });
        writer = clients.get();
        reader = clients.get();
    }

    /** After a hang: the stuck worker and its clients are left behind, the model stays (the backend keeps it). */
    private void reopen() {
        worker.shutdownNow();
        Registry oldWriter = writer;
        Registry oldReader = reader;
        // Closed first, on a thread of their own (a hung client may hang in close too), so that
        // closing cannot remove what the new writer takes over below.
        Thread closer = new Thread(() -> {
            closeQuietly(oldWriter);
            closeQuietly(oldReader);
        }, "micro-registry-fuzz-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(callBound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open();
        for (Service record : new ArrayList<>(model.values())) {
            try {
                call(() -> {
                    writer.register(record, RegisterOptions.defaults());
                    return null;
                });
            } catch (Throwable e) {
                // Counted as corruption by the next verification if it matters.
            }
        }
    }

    private void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
        closeQuietly(writer);
        closeQuietly(reader);
    }

    private static void closeQuietly(Registry registry) {
        if (registry != null) {
            try {
                registry.close();
            } catch (RuntimeException e) {
                // Closing after a fuzz run; nothing to report.
            }
        }
    }

    private static String describe(Service s) {
        StringBuilder out = new StringBuilder("name=").append(s.name()).append(" version=").append(s.version())
                .append(" nodes=");
        for (Node n : s.nodes()) {
            out.append('[').append(n.id()).append(" @ ").append(n.address()).append(' ').append(n.metadata().keySet())
                    .append(']');
        }
        return out.toString();
    }
}
