package io.microregistry.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.microregistry.Backoff;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.RegistryStore;
import io.microregistry.backend.ServiceJson;
import io.microregistry.backend.WatchSink;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The etcd {@link RegistryStore}, writing what go-micro's etcd registry writes: key
 * {@code /micro/registry/<service>/<nodeId>}, each part as
 * {@link io.microregistry.backend.KeySegment#of} (go-micro's own segment for names without
 * {@code /}, such as {@code go.micro.srv.greeter}; percent-encoded otherwise, so {@code a/b}
 * and {@code a-b} never share a key), value the go-micro JSON of the service holding that
 * one node, attached to a lease of the registration TTL.
 *
 * <p><b>Liveness:</b> one {@link LeaseKeeper} per TTL class (the TTL rounded up to whole
 * seconds, as etcd counts leases): the nodes of one class share one lease, kept alive by
 * jetcd; when the lease is lost (outage longer than the TTL, etcd restart) a new one is
 * granted and every node put again, with backoff and jitter, until deregister or close. A
 * process that dies stops renewing, and its nodes vanish within the TTL.
 *
 * <p><b>Writes:</b> the nodes of one {@link #batches batch} go to etcd in one transaction, all
 * or nothing; a registration is split into batches only past etcd's transaction limits
 * ({@value #TXN_MAX_OPS} operations, about 1 MiB).
 *
 * <p><b>Reads</b> are paged ({@link EtcdCalls#getPrefix}) and serve a record only from the key
 * its decoded name and node id lead to. A name whose segment differs from go-micro's (one
 * holding {@code /}, for instance) is also read under go-micro's form of the key ({@code a-b}
 * for {@code a/b}), where go-micro services put it, and only records whose decoded name equals
 * the name asked for are returned, so {@code a/b} and {@code a-b} never mix. Records that
 * cannot be decoded are skipped with one warning per key.
 *
 * <p><b>Removal</b> also deletes go-micro's form of a node's key, if that differs from ours
 * and holds this very node.
 *
 * <p><b>Blocking and failures:</b> every etcd call has the deadline
 * {@link RegistryConfig#timeout()}; trouble is a {@link io.microregistry.RegistryException}
 * ({@code RegistryAuthenticationException} for refused credentials,
 * {@code RegistryUnavailableException} otherwise) with jetcd's exception attached; TLS or
 * certificate misconfiguration is a {@code RegistryAuthenticationException} saying so, within
 * about a second rather than at the deadline ({@link TlsProbe}).
 *
 * <p>Thread-safe. {@link #close()} shuts the store's scheduler and jetcd down; the leases are
 * revoked (or left to expire) by closing the groups before.
 */
final class EtcdStore implements RegistryStore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdStore.class);

    /**
     * etcd refuses a transaction of more than 128 operations (its {@code --max-txn-ops}
     * default) or a request over about 1.5 MiB: larger registrations are written in batches.
     */
    static final int TXN_MAX_OPS = 128;
    private static final int TXN_MAX_BYTES = 1024 * 1024;

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
    /** Where this client's records live: go-micro's root, or the configured namespace. */
    private final EtcdKeys layout;
    /** The lease keepers opened and not yet stopped. */
    private final Set<LeaseKeeper> keepers = ConcurrentHashMap.newKeySet();

    private EtcdStore(EtcdCalls calls, EtcdKeys layout) {
        this.calls = calls;
        this.layout = layout;
        this.scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreads("micro-registry-etcd"));
        this.scheduler.setRemoveOnCancelPolicy(true);
    }

    /**
     * Opens a client of the etcd described by {@code config}. Does not contact etcd:
     * unreachable servers and refused credentials surface on the first call.
     *
     * @throws IllegalArgumentException if an address or the TLS files are unusable
     */
    static EtcdStore open(RegistryConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        EtcdConnection connection = EtcdConnection.of(config);
        Client client = connection.open();
        LOG.info("etcd registry client for {} opened{}{}", connection.describe(),
                connection.username() == null ? "" : " as user " + connection.username(),
                connection.tls() == null ? "" : " over TLS");
        return new EtcdStore(new EtcdCalls(client, connection.timeout(), connection.describe(),
                new TlsProbe(connection.endpoints(), connection.tls(), Duration.ofMillis(
                        Math.min(2000, Math.max(200, connection.timeout().toMillis() / 4))))), EtcdKeys.of(config));
    }

    @Override
    public String describe() {
        return "etcd at " + calls.endpoints();
    }

    /** Whole seconds, rounded up: etcd counts leases in seconds, and a node must never live shorter than asked. */
    @Override
    public Duration ttlClass(Duration ttl) {
        return Duration.ofSeconds(Math.max(1, (ttl.toMillis() + 999) / 1000));
    }

    @Override
    public LivenessGroup openGroup(Duration ttlClass) {
        return openGroup(ttlClass, RegistryObserver.none());
    }

    /** A lease keeper that reports its lease losses and write-backs to {@code observer}. */
    @Override
    public LivenessGroup openGroup(Duration ttlClass, RegistryObserver observer) {
        LeaseKeeper keeper = new LeaseKeeper(calls, scheduler, backoff, ttlClass.toSeconds(), keepers::remove, observer,
                layout);
        keepers.add(keeper);
        return keeper;
    }

    /** Batches of at most {@value #TXN_MAX_OPS} records and about 1 MiB, in order; a larger record alone. */
    @Override
    public List<List<Service>> batches(List<Service> records) {
        List<List<Service>> batches = new ArrayList<>();
        List<Service> batch = new ArrayList<>();
        long bytes = 0;
        for (Service record : records) {
            long size = ServiceJson.encode(record).length
                    + layout.node(record.name(), record.nodes().get(0).id()).length() * 4L;
            if (!batch.isEmpty() && (batch.size() == TXN_MAX_OPS || bytes + size > TXN_MAX_BYTES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(record);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    @Override
    public List<Service> read(Optional<String> name) {
        List<Service> records = new ArrayList<>();
        if (name.isEmpty()) {
            for (KeyValue kv : calls.getPrefix(layout.root(), "list services").kvs()) {
                layout.record(decoder, kv).ifPresent(records::add);
            }
            return records;
        }
        String wanted = name.get();
        for (String prefix : layout.service(wanted)) {
            for (KeyValue kv : calls.getPrefix(prefix, "look up " + wanted).kvs()) {
                layout.record(decoder, kv).filter(record -> record.name().equals(wanted)).ifPresent(records::add);
            }
        }
        return records;
    }

    @Override
    public void remove(String serviceName, String nodeId, boolean includingOwn) {
        String action = "deregister " + serviceName + " node " + nodeId;
        if (includingOwn) {
            calls.delete(layout.node(serviceName, nodeId), action);
        }
        deleteGoMicroRecord(serviceName, nodeId, action);
    }

    /**
     * Deletes the node as go-micro would have written it, if that key differs from ours and
     * holds this very node: another name may share go-micro's key ({@code a/b} and
     * {@code a-b}), and its record must stay.
     */
    private void deleteGoMicroRecord(String serviceName, String nodeId, String action) {
        String key = layout.goMicroNode(serviceName, nodeId);
        if (key.equals(layout.node(serviceName, nodeId))) {
            return;
        }
        for (KeyValue kv : calls.getPrefix(key, action).kvs()) {
            if (EtcdKeys.text(kv.getKey()).equals(key) && layout.record(decoder, kv)
                    .filter(r -> r.name().equals(serviceName) && r.nodes().get(0).id().equals(nodeId)).isPresent()) {
                calls.deleteIfUnchanged(key, kv.getModRevision(), action);
            }
        }
    }

    /**
     * An {@link EtcdWatch} of the prefix: pushes on jetcd's threads and, while resynchronising,
     * on this store's scheduler; no thread of its own.
     */
    @Override
    public PrefixWatch watch(WatchOptions options, WatchSink sink) {
        EtcdWatch watch = new EtcdWatch(calls, decoder, scheduler, backoff, options, layout, sink);
        try {
            watch.start();
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    /** The leases this client currently keeps alive. For fault-injection tests. */
    List<Long> leaseIds() {
        return keepers.stream().map(LeaseKeeper::leaseId).filter(id -> id != 0).toList();
    }

    /** Shuts the scheduler (lease recovery, watch resync) and jetcd down. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        calls.client().close();
    }

    @Override
    public String toString() {
        return "EtcdStore[" + calls.endpoints() + "]";
    }
}
