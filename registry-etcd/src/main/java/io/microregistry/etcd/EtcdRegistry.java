package io.microregistry.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.Backoff;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.RegistrationRules;
import io.microregistry.backend.ServiceJson;
import io.microregistry.backend.VersionGrouping;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A {@link Registry} on etcd, writing what go-micro's etcd registry writes: key
 * {@code /micro/registry/<service>/<nodeId>}, each part as
 * {@link io.microregistry.backend.KeySegment#of} (go-micro's own segment for names without
 * {@code /}, such as {@code go.micro.srv.greeter}; percent-encoded otherwise, so {@code a/b}
 * and {@code a-b} never share a key), value the go-micro JSON of the service holding that
 * one node, attached to a lease of the registration TTL.
 *
 * <p><b>Liveness:</b> the nodes of one TTL share one lease, kept alive by jetcd; when the
 * lease is lost (outage longer than the TTL, etcd restart) a new one is granted and every
 * node put again, with backoff and jitter, until deregister or close. A process that dies
 * stops renewing, and its nodes vanish within the TTL.
 *
 * <p><b>Reads</b> of a name whose segment differs from go-micro's (one holding {@code /}, for
 * instance) also read go-micro's form of the key ({@code a-b} for {@code a/b}), where
 * go-micro services put it, and return only records whose decoded name equals the name
 * asked for, so {@code a/b} and {@code a-b} never mix. Records that cannot be decoded are
 * skipped with one warning per key.
 *
 * <p><b>Register</b> writes all nodes of one call in one etcd transaction (chunks, undone on
 * failure, past etcd's transaction limits): all or nothing. Reads serve a record only from the
 * key its decoded name and node id lead to, and read whole prefixes in pages.
 *
 * <p><b>Deregister</b> deletes the node's key, and go-micro's form of it if that holds this
 * very node. If etcd does not confirm the delete of a node this client registered, the
 * client keeps it alive as before, goes on with the other nodes, and then throws naming the
 * nodes left; a retry can remove them.
 *
 * <p><b>Blocking and failures:</b> every etcd call has the deadline
 * {@link RegistryConfig#timeout()}; trouble is a {@link RegistryException}
 * ({@code RegistryAuthenticationException} for refused credentials,
 * {@code RegistryUnavailableException} otherwise) with jetcd's exception attached; TLS or
 * certificate misconfiguration is a {@code RegistryAuthenticationException} saying so, within
 * about a second rather than at the deadline. Bad input
 * is an {@link IllegalArgumentException} naming the field; calls after {@link #close()} throw
 * {@link IllegalStateException}.
 *
 * <p><b>Thread-safety:</b> every method may be called from any thread. Registrations and
 * deregistrations are serialised per client.
 *
 * <p>{@link #close()} revokes this client's leases, so its nodes vanish at once, stops its
 * watchers and shuts jetcd down.
 */
final class EtcdRegistry implements Registry {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdRegistry.class);

    private final EtcdCalls calls;
    private final ScheduledThreadPoolExecutor scheduler;
    /**
     * Retry pacing for lease recovery and watch resync. Capped lower than
     * {@link Backoff#DEFAULT}: each attempt already waits for the connection for up to the
     * call deadline, so a short pause between attempts does not hammer a server that is down,
     * and a registration comes back sooner once it is up.
     */
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    private final RecordDecoder decoder = new RecordDecoder("etcd key");

    /** Serialises register, deregister and shutdown; guards the two maps below. */
    private final Object registrations = new Object();
    private final Map<Long, LeaseKeeper> keepersByTtl = new HashMap<>();
    private final Map<String, LeaseKeeper> ownerByKey = new HashMap<>();

    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** Push subscriptions of this client, one watch per prefix shared by all subscribers. */
    private final io.microregistry.backend.SubscriptionHub hub = new io.microregistry.backend.SubscriptionHub(this);
    private volatile boolean closed;

    private EtcdRegistry(EtcdCalls calls) {
        this.calls = calls;
        this.scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("micro-registry-etcd"));
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Opens a client of the etcd described by {@code config}. Does not contact etcd:
     * unreachable servers and refused credentials surface on the first call.
     *
     * @throws IllegalArgumentException if an address or the TLS files are unusable
     */
    static EtcdRegistry open(RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        EtcdConnection connection = EtcdConnection.of(config);
        Client client = connection.open();
        LOG.info("etcd registry client for {} opened{}{}", connection.describe(),
                connection.username() == null ? "" : " as user " + connection.username(),
                connection.tls() == null ? "" : " over TLS");
        return new EtcdRegistry(new EtcdCalls(client, connection.timeout(), connection.describe(),
                new TlsProbe(connection.endpoints(), connection.tls(), Duration.ofMillis(
                        Math.min(2000, Math.max(200, connection.timeout().toMillis() / 4))))));
    }

    /**
     * etcd refuses a transaction of more than 128 operations (its {@code --max-txn-ops}
     * default) or a request over about 1.5 MiB: larger registrations are written in chunks
     * and rolled back if a later chunk fails.
     */
    private static final int TXN_MAX_OPS = 128;
    private static final int TXN_MAX_BYTES = 1024 * 1024;

    /**
     * Writes every node of {@code service} or none: the nodes go to etcd in one transaction
     * (chunks of one for very large calls, undone if a later chunk fails), so a failing
     * call leaves what was registered before as it was.
     */
    @Override
    public void register(Service service, RegisterOptions options) {
        RegistrationRules.checkRegister(service, options);
        // etcd counts leases in whole seconds; round up so a node never lives shorter than asked.
        long ttlSeconds = Math.max(1, (options.ttl().toMillis() + 999) / 1000);
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (Node node : service.nodes()) {
            batch.put(EtcdKeys.node(service.name(), node.id()), ServiceJson.encode(service.withNode(node)));
        }
        String action = "register " + service.name() + " (" + service.nodes().size() + " node"
                + (service.nodes().size() == 1 ? "" : "s") + ")";
        synchronized (registrations) {
            checkOpen();
            LeaseKeeper keeper = keepersByTtl.computeIfAbsent(ttlSeconds,
                    ttl -> new LeaseKeeper(calls, scheduler, backoff, ttl));
            // What each key held before, to undo a partial write.
            Map<String, LeaseKeeper> previousOwner = new HashMap<>();
            Map<String, byte[]> previousValue = new HashMap<>();
            for (String key : batch.keySet()) {
                LeaseKeeper previous = ownerByKey.get(key);
                if (previous != null) {
                    previousOwner.put(key, previous);
                    // A node moving to another TTL leaves its old keeper first, so that keeper's
                    // recovery cannot put the old record back over the new one.
                    previousValue.put(key, previous == keeper ? previous.valueOf(key) : previous.forget(key));
                }
            }
            List<String> written = new ArrayList<>();
            try {
                for (Map<String, byte[]> chunk : chunks(batch)) {
                    keeper.putAll(chunk, action);
                    written.addAll(chunk.keySet());
                }
            } catch (RuntimeException e) {
                undo(keeper, written, previousOwner, previousValue, action, e);
                previousOwner.forEach((key, previous) -> {
                    if (previous != keeper && !written.contains(key)) {
                        previous.remember(key, previousValue.get(key));
                    }
                });
                dropIfEmpty(keeper);
                throw e;
            }
            for (String key : batch.keySet()) {
                LeaseKeeper previous = ownerByKey.put(key, keeper);
                if (previous != null && previous != keeper) {
                    dropIfEmpty(previous);
                }
            }
        }
    }

    private static List<Map<String, byte[]>> chunks(Map<String, byte[]> batch) {
        List<Map<String, byte[]>> chunks = new ArrayList<>();
        Map<String, byte[]> chunk = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : batch.entrySet()) {
            long size = e.getValue().length + e.getKey().length() * 4L;
            if (!chunk.isEmpty() && (chunk.size() == TXN_MAX_OPS || bytes + size > TXN_MAX_BYTES)) {
                chunks.add(chunk);
                chunk = new LinkedHashMap<>();
                bytes = 0;
            }
            chunk.put(e.getKey(), e.getValue());
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /**
     * Undoes the chunks already written by a register that failed later: a key that was not
     * ours is deleted, one that was gets its previous record back on its previous lease.
     * Failures here are attached to {@code failure} as suppressed exceptions.
     */
    private void undo(LeaseKeeper keeper, List<String> written, Map<String, LeaseKeeper> previousOwner,
                      Map<String, byte[]> previousValue, String action, RuntimeException failure) {
        for (String key : written) {
            LeaseKeeper previous = previousOwner.get(key);
            byte[] value = previousValue.get(key);
            try {
                if (previous == null || value == null) {
                    keeper.delete(key, "undo " + action);
                } else {
                    if (previous != keeper) {
                        keeper.forget(key);
                    }
                    previous.put(key, value, "undo " + action);
                }
            } catch (RuntimeException undoFailure) {
                failure.addSuppressed(undoFailure);
            }
        }
        if (!written.isEmpty()) {
            LOG.warn("{} failed after {} of its nodes were written; undone ({} undo failures)", action,
                    written.size(), failure.getSuppressed().length);
        }
    }

    /**
     * Removes every node it can; if some cannot be removed, throws once, naming them, after
     * trying all: those stay registered and kept alive, so a retry can remove them.
     */
    @Override
    public void deregister(Service service) {
        RegistrationRules.checkDeregister(service);
        synchronized (registrations) {
            checkOpen();
            Map<String, RegistryException> failures = new LinkedHashMap<>();
            for (Node node : service.nodes()) {
                String key = EtcdKeys.node(service.name(), node.id());
                String action = "deregister " + service.name() + " node " + node.id();
                LeaseKeeper keeper = ownerByKey.get(key);
                try {
                    if (keeper == null) {
                        // Not ours (another client's, or already gone): best effort, nothing to stop keeping.
                        calls.delete(key, action);
                    } else {
                        // Ownership ends only once etcd confirmed the delete; see LeaseKeeper.delete
                        // for why that cannot race with a lease recovery.
                        keeper.delete(key, action);
                        ownerByKey.remove(key);
                        dropIfEmpty(keeper);
                    }
                    deleteGoMicroRecord(service.name(), node.id(), action);
                } catch (RegistryException e) {
                    // If our own key's delete failed we still own and keep the node alive, so it stays
                    // registered and a retry can remove it. Try the other nodes.
                    failures.put(node.id(), e);
                }
            }
            if (failures.size() == 1 && service.nodes().size() == 1) {
                throw failures.values().iterator().next();
            }
            if (!failures.isEmpty()) {
                RegistryException first = failures.values().iterator().next();
                String message = "could not deregister " + failures.size() + " of " + service.nodes().size()
                        + " nodes of " + service.name() + " (still registered: " + failures.keySet()
                        + "; the others were removed): " + first.getMessage();
                RegistryException summary = first instanceof RegistryAuthenticationException
                        ? new RegistryAuthenticationException(message, first)
                        : new RegistryUnavailableException(message, first);
                failures.values().stream().skip(1).forEach(summary::addSuppressed);
                throw summary;
            }
        }
    }

    @Override
    public List<Service> getService(String name) {
        RegistrationRules.checkServiceName(name);
        checkOpen();
        List<Service> records = new ArrayList<>();
        for (String prefix : EtcdKeys.service(name)) {
            for (KeyValue kv : calls.getPrefix(prefix, "look up " + name).kvs()) {
                EtcdKeys.record(decoder, kv).filter(record -> record.name().equals(name)).ifPresent(records::add);
            }
        }
        return VersionGrouping.group(records);
    }

    @Override
    public List<Service> listServices() {
        checkOpen();
        List<Service> records = new ArrayList<>();
        for (KeyValue kv : calls.getPrefix(EtcdKeys.ROOT, "list services").kvs()) {
            EtcdKeys.record(decoder, kv).ifPresent(records::add);
        }
        return VersionGrouping.group(records);
    }

    /** Shares one backend watch per prefix between every subscriber of this client (see SubscriptionHub). */
    @Override
    public io.microregistry.Subscription subscribe(WatchOptions options, io.microregistry.WatchListener listener) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        return hub.subscribe(options, listener);
    }

    @Override
    public Watcher watch(WatchOptions options) {
        RegistrationRules.checkWatch(options);
        checkOpen();
        EtcdWatch watch = new EtcdWatch(calls, decoder, scheduler, backoff, options, watches::remove);
        watches.add(watch);
        try {
            watch.start();
        } catch (RuntimeException e) {
            watch.queue().stop();
            throw e;
        }
        if (closed) {
            // close() ran while this watch was starting and may have missed it.
            watch.queue().stop();
        }
        return watch.watcher();
    }

    /**
     * Revokes this client's leases (its nodes vanish at once), stops its watchers and shuts
     * jetcd down. Idempotent; never throws.
     */
    @Override
    public void close() {
        hub.close();
        shutdown(true);
    }

    /**
     * Drops this client as a crash would: stops keep-alives and watchers and shuts jetcd down
     * without revoking or deleting anything, so this client's nodes expire with their TTL. A
     * later {@link #close()} does nothing. For liveness tests.
     */
    void abandon() {
        hub.close();
        shutdown(false);
    }

    /** The leases this client currently keeps alive. For fault-injection tests. */
    List<Long> leaseIds() {
        synchronized (registrations) {
            return keepersByTtl.values().stream().map(LeaseKeeper::leaseId).filter(id -> id != 0).toList();
        }
    }

    private void shutdown(boolean revoke) {
        List<LeaseKeeper> keepers;
        synchronized (registrations) {
            if (closed) {
                return;
            }
            closed = true;
            keepers = new ArrayList<>(keepersByTtl.values());
            keepersByTtl.clear();
            ownerByKey.clear();
        }
        new ArrayList<>(watches).forEach(w -> w.queue().stop());
        keepers.forEach(keeper -> keeper.stop(revoke));
        scheduler.shutdownNow();
        calls.client().close();
        LOG.info("etcd registry client for {} {}", calls.endpoints(), revoke ? "closed" : "abandoned");
    }

    /**
     * Deletes the node as go-micro would have written it, if that key differs from ours and
     * holds this very node: another name may share go-micro's key ({@code a/b} and
     * {@code a-b}), and its record must stay.
     */
    private void deleteGoMicroRecord(String serviceName, String nodeId, String action) {
        String key = EtcdKeys.goMicroNode(serviceName, nodeId);
        if (key.equals(EtcdKeys.node(serviceName, nodeId))) {
            return;
        }
        for (KeyValue kv : calls.getPrefix(key, action).kvs()) {
            if (EtcdKeys.text(kv.getKey()).equals(key) && EtcdKeys.record(decoder, kv)
                    .filter(r -> r.name().equals(serviceName) && r.nodes().get(0).id().equals(nodeId)).isPresent()) {
                calls.deleteIfUnchanged(key, kv.getModRevision(), action);
            }
        }
    }

    private void dropIfEmpty(LeaseKeeper keeper) {
        if (keeper.isEmpty() && keepersByTtl.get(keeper.ttlSeconds()) == keeper) {
            keepersByTtl.remove(keeper.ttlSeconds());
            keeper.stop(true);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("registry is closed");
        }
    }

    @Override
    public String toString() {
        return "EtcdRegistry[" + calls.endpoints() + "]";
    }
}
