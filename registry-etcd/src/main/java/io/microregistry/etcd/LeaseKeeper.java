package io.microregistry.etcd;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.backend.LivenessGroup;
import io.microregistry.backend.ServiceJson;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps this client's keys of one TTL alive on one etcd lease, and brings them back when the
 * lease is lost: the {@link LivenessGroup} of one TTL class of an {@link EtcdStore} (records
 * at {@link EtcdKeys#node}, as go-micro JSON), and the lease of the gRPC endpoints that
 * {@link EtcdGrpcEndpoints} publishes (keys of its own).
 *
 * <p>jetcd's keep-alive gives up for good after an outage longer than the TTL or an etcd
 * restart: its observer gets {@code onError} or {@code onCompleted} (or a response with TTL
 * 0) and the lease, with our keys, expires. So on any of those this keeper grants a new
 * lease and puts every key again, with backoff and jitter, until it succeeds or the keeper
 * is closed. Putting identical content again does not change a live record; watchers of the
 * registry therefore see nothing unless the key had meanwhile expired.
 *
 * <p>Thread-safe. Callbacks from jetcd never take the lock: they hand over to the scheduler,
 * because jetcd completes calls on the same event-loop threads that deliver the callbacks,
 * and a callback waiting for a lock held by a blocked caller would stall both.
 */
final class LeaseKeeper implements LivenessGroup {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    /** etcd's default {@code --max-txn-ops}. */
    private static final int RECOVERY_TXN_OPS = 128;

    private final EtcdCalls calls;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final long ttlSeconds;
    /** Told once, when this keeper stops. */
    private final Consumer<LeaseKeeper> onStop;
    /** Where the records of {@link #put(List)} go. */
    private final EtcdKeys layout;
    /** Told of each lease loss and of each record written back after one. */
    private final RegistryObserver observer;

    // Guarded by this.
    private final Map<String, byte[]> keys = new LinkedHashMap<>();
    private long leaseId;
    private CloseableClient keepAlive;
    /** Bumped whenever the keep-alive or the recovery chain in charge changes; stale callbacks compare it. */
    private long generation;
    private boolean lost;
    private boolean stopped;

    LeaseKeeper(EtcdCalls calls, ScheduledExecutorService scheduler, Backoff backoff, long ttlSeconds) {
        this(calls, scheduler, backoff, ttlSeconds, keeper -> { }, RegistryObserver.none(), EtcdKeys.DEFAULT);
    }

    /** @param onStop told once when the keeper stops (closed or abandoned), under its lock: must not block */
    LeaseKeeper(EtcdCalls calls, ScheduledExecutorService scheduler, Backoff backoff, long ttlSeconds,
                Consumer<LeaseKeeper> onStop, RegistryObserver observer, EtcdKeys layout) {
        this.calls = calls;
        this.layout = layout;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.ttlSeconds = ttlSeconds;
        this.onStop = onStop;
        this.observer = observer;
    }

    /** The lease currently in use (0 if none yet). For fault-injection tests. */
    synchronized long leaseId() {
        return leaseId;
    }

    /**
     * Writes {@code key} on this keeper's lease (granting one first if there is none or it
     * was lost) and keeps it alive from then on. Blocking.
     *
     * @throws RegistryException if etcd did not take the write; the key is then not kept
     */
    synchronized void put(String key, byte[] value, String action) {
        checkOpen();
        if (leaseId == 0 || lost) {
            establish(action);
        }
        try {
            calls.put(key, value, leaseId, action);
        } catch (RegistryException e) {
            if (!EtcdErrors.isLeaseNotFound(e)) {
                throw e;
            }
            // The lease expired before jetcd told us: start over on a new one.
            establish(action);
            calls.put(key, value, leaseId, action);
        }
        keys.put(key, value);
    }

    /**
     * Writes every entry on this keeper's lease in one etcd transaction, so either all are
     * written or none, and keeps them alive from then on. Blocking.
     *
     * @throws RegistryException if etcd did not take the transaction; none of the keys is then kept
     */
    synchronized void putAll(Map<String, byte[]> entries, String action) {
        checkOpen();
        if (leaseId == 0 || lost) {
            establish(action);
        }
        try {
            calls.putAll(entries, leaseId, action);
        } catch (RegistryException e) {
            if (!EtcdErrors.isLeaseNotFound(e)) {
                throw e;
            }
            establish(action);
            calls.putAll(entries, leaseId, action);
        }
        keys.putAll(entries);
    }

    /**
     * Writes these one-node records at {@link EtcdKeys#node}, as go-micro JSON, in one
     * transaction on this keeper's lease (see {@link #putAll}).
     */
    @Override
    public void put(List<Service> records) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (Service record : records) {
            entries.put(layout.node(record.name(), nodeId(record)), ServiceJson.encode(record));
        }
        putAll(entries, "register " + records.get(0).name() + " (" + records.size() + " node"
                + (records.size() == 1 ? "" : "s") + ")");
    }

    /** {@link #delete Deletes} the node's key, then stops keeping it. */
    @Override
    public void remove(String serviceName, String nodeId) {
        delete(layout.node(serviceName, nodeId), "deregister " + serviceName + " node " + nodeId);
    }

    /** Stops keeping the node's key alive, without touching etcd. */
    @Override
    public synchronized Optional<Service> forget(String serviceName, String nodeId) {
        return Optional.ofNullable(keys.remove(layout.node(serviceName, nodeId))).map(ServiceJson::decode);
    }

    /** Keeps the record's key again without writing it: undoes a {@link #forget} whose follow-up failed. */
    @Override
    public synchronized void remember(Service record) {
        if (!stopped) {
            keys.put(layout.node(record.name(), nodeId(record)), ServiceJson.encode(record));
        }
    }

    /** {@link #stop Stops}, revoking the lease with {@code release}. */
    @Override
    public void close(boolean release) {
        stop(release);
    }

    /** Tells the observer which records the recovery wrote back; keys that are not records (gRPC endpoints) are skipped. */
    private void reportWrittenBack() {
        for (byte[] value : keys.values()) {
            try {
                Service record = ServiceJson.decode(value);
                observer.writtenBack(record.name(), nodeId(record));
            } catch (RuntimeException notARecord) {
                // An endpoint of the gRPC naming layout kept on the same kind of lease: not a registration.
            }
        }
    }

    private static String nodeId(Service record) {
        return record.nodes().get(0).id();
    }

    /**
     * Deletes {@code key} from etcd and stops keeping it alive, in that order. Blocking.
     *
     * <p>The key is dropped only once etcd confirmed the delete, so a failed delete leaves it
     * kept, and re-put by a lease recovery, as before the call: the node stays registered and
     * a retry can remove it. The delete runs under this keeper's lock, which recovery holds
     * from granting a lease until every kept key is put on it; so the two never interleave.
     * Either the recovery ran first and put the key on the new lease, which the delete then
     * removes, or the delete ran first and the key is no longer kept when recovery puts the
     * kept keys. Forgetting before the delete would leave a key whose delete failed on a
     * lease this keeper still renews for its other keys: registered, but owned by nobody.
     * Forgetting after a delete made without the lock would let a recovery running in between
     * put the just-deleted key back.
     *
     * @throws RegistryException if etcd did not confirm the delete; the key is still kept
     */
    synchronized void delete(String key, String action) {
        checkOpen();
        calls.delete(key, action);
        keys.remove(key);
    }

    @Override
    public synchronized boolean isEmpty() {
        return keys.isEmpty();
    }

    /**
     * Stops keeping alive. With {@code revoke}, also revokes the lease so every key on it
     * vanishes at once; without, the keys expire with the TTL, as after a crash. Blocking
     * (at most one call's deadline); never throws.
     */
    synchronized void stop(boolean revoke) {
        if (stopped) {
            return;
        }
        stopped = true;
        generation++;
        onStop.accept(this);
        closeKeepAlive();
        if (revoke && leaseId != 0) {
            try {
                calls.revoke(leaseId, "revoke lease " + Long.toHexString(leaseId));
            } catch (RegistryException e) {
                if (EtcdErrors.isLeaseNotFound(e)) {
                    // Already gone, and its keys with it: what revoking was for.
                    LOG.debug("etcd lease {} was already gone", Long.toHexString(leaseId));
                } else {
                    LOG.warn("could not revoke etcd lease {} ({} keys); they expire within {}s: {}",
                            Long.toHexString(leaseId), keys.size(), ttlSeconds, e.getMessage());
                }
            }
        }
        keys.clear();
    }

    /** Grants a lease, puts every kept key on it and starts its keep-alive. Holds the lock. */
    private void establish(String action) {
        long lease = calls.grant(ttlSeconds, action);
        // In transactions of at most etcd's 128 operations, not key by key: a process stopped
        // mid-recovery leaves its keys on as few leases as possible.
        Map<String, byte[]> chunk = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> entry : keys.entrySet()) {
            chunk.put(entry.getKey(), entry.getValue());
            if (chunk.size() == RECOVERY_TXN_OPS) {
                calls.putAll(chunk, lease, action);
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            calls.putAll(chunk, lease, action);
        }
        long previous = leaseId;
        leaseId = lease;
        try {
            attachKeepAlive(lease);
        } catch (RuntimeException e) {
            // A lease nobody renews is as good as lost: the next put or recovery attempt starts over.
            lost = true;
            throw e;
        }
        lost = false;
        if (previous != 0) {
            // Every key has moved to the new lease; the old one, if etcd still has it, holds nothing.
            revokeLater(previous);
        }
    }

    private void attachKeepAlive(long lease) {
        closeKeepAlive();
        long current = ++generation;
        keepAlive = calls.client().getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                if (response.getTTL() <= 0) {
                    handOver(() -> onLost(current, "etcd reports TTL " + response.getTTL()));
                }
            }

            @Override
            public void onError(Throwable t) {
                handOver(() -> onLost(current, "keep-alive failed: " + EtcdErrors.unwrap(t).getMessage()));
            }

            @Override
            public void onCompleted() {
                handOver(() -> onLost(current, "keep-alive ended"));
            }
        });
    }

    private synchronized void onLost(long expected, String why) {
        if (stopped || expected != generation) {
            return;
        }
        LOG.warn("etcd lease {} (TTL {}s, {} keys) lost: {}; re-registering", Long.toHexString(leaseId), ttlSeconds,
                keys.size(), why);
        lost = true;
        observer.livenessLost("lease", keys.size());
        closeKeepAlive();
        long chain = ++generation;
        handOver(() -> recover(chain, 0));
    }

    private synchronized void recover(long chain, int attempt) {
        if (stopped || chain != generation || !lost) {
            return;
        }
        try {
            establish("re-register " + keys.size() + " keys after lease loss");
            LOG.info("re-registered {} keys on etcd lease {} (TTL {}s) after {} attempt(s)", keys.size(),
                    Long.toHexString(leaseId), ttlSeconds, attempt + 1);
            reportWrittenBack();
        } catch (RuntimeException e) {
            // Not only RegistryException: anything thrown here would otherwise end in the
            // scheduler's future, unseen, and the keys would never come back.
            long next = ++generation;
            if (attempt == 0) {
                if (e instanceof RegistryException) {
                    LOG.warn("re-registration failed, retrying with backoff until etcd answers: {}", e.getMessage());
                } else {
                    LOG.warn("re-registration failed unexpectedly, retrying with backoff", e);
                }
            }
            long delay = backoff.delay(attempt).toMillis();
            try {
                scheduler.schedule(() -> recover(next, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // The registry is closing; nothing left to keep alive.
            }
        }
    }

    private void revokeLater(long lease) {
        handOver(() -> {
            try {
                calls.revoke(lease, "revoke replaced lease " + Long.toHexString(lease));
            } catch (RegistryException e) {
                // Usually already gone (that is why it was replaced); it holds no keys either way.
                LOG.debug("could not revoke replaced etcd lease {}: {}", Long.toHexString(lease), e.getMessage());
            }
        });
    }

    private void handOver(Runnable task) {
        try {
            scheduler.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // The scheduler would keep it in a future nobody reads: at least say so.
                    LOG.error("etcd lease keeper (TTL {}s): unexpected failure in a background task", ttlSeconds, e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // The registry is closing; nothing left to do.
        }
    }

    private void closeKeepAlive() {
        if (keepAlive != null) {
            CloseableClient closing = keepAlive;
            keepAlive = null;
            try {
                closing.close();
            } catch (RuntimeException e) {
                // It is being replaced or given up either way; failing here must not stop a recovery.
                LOG.debug("closing an etcd keep-alive failed: {}", e.getMessage());
            }
        }
    }

    private void checkOpen() {
        if (stopped) {
            throw new IllegalStateException("registry is closed");
        }
    }
}
