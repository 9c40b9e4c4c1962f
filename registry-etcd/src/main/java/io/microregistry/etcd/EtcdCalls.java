package io.microregistry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The etcd operations the registry makes, each one blocking with a deadline: the gRPC call
 * carries it ({@link CallDeadline}) and the wait for jetcd's future is bounded by it too, so
 * no call outlives {@code timeout} even inside jetcd's own retries.
 *
 * <p>Thread-safe. Every method throws {@link RegistryException} on failure, with jetcd's
 * exception attached.
 */
final class EtcdCalls {

    private final Client client;
    private final Duration timeout;
    private final String endpoints;

    /** How long a call may wait before the TLS probe looks at why. */
    private static final long PROBE_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);
    /** How long a probe that found no TLS trouble is believed, so slow calls do not probe each time. */
    private static final long PROBE_TRUST_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final TlsProbe probe;
    private volatile long probedCleanAt = System.nanoTime() - PROBE_TRUST_NANOS;

    EtcdCalls(Client client, Duration timeout, String endpoints) {
        this(client, timeout, endpoints, null);
    }

    /** @param probe tells TLS trouble apart from a slow or absent etcd; null for none */
    EtcdCalls(Client client, Duration timeout, String endpoints, TlsProbe probe) {
        this.client = client;
        this.timeout = timeout;
        this.endpoints = endpoints;
        this.probe = probe;
    }

    Client client() {
        return client;
    }

    String endpoints() {
        return endpoints;
    }

    /** The deadline of each call. */
    Duration timeout() {
        return timeout;
    }

    /**
     * Every key and value under {@code prefix}, with the revision they were read at, read in
     * pages of at most {@link #PAGE_LIMIT} keys, all at the revision of the first page and
     * each continuing after the last key of the one before, so a prefix larger than one gRPC
     * message (jetcd accepts 4 MiB) is still read whole and consistent. A page that is still
     * too large is asked again with half the limit.
     */
    PrefixRead getPrefix(String prefix, String action) {
        ByteSequence end = prefixEnd(prefix.getBytes(StandardCharsets.UTF_8));
        List<KeyValue> kvs = new ArrayList<>();
        ByteSequence from = EtcdKeys.bytes(prefix);
        long revision = 0;
        long clusterId = 0;
        int limit = PAGE_LIMIT;
        while (true) {
            GetOption.Builder option = GetOption.builder().withRange(end).withLimit(limit)
                    .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND);
            if (revision != 0) {
                option.withRevision(revision);
            }
            GetResponse page;
            try {
                page = await(client.getKVClient().get(from, option.build()), action);
            } catch (RegistryException e) {
                if (limit > 1 && isTooLarge(e)) {
                    limit = Math.max(1, limit / 2);
                    continue;
                }
                throw e;
            }
            if (revision == 0) {
                revision = page.getHeader().getRevision();
                clusterId = page.getHeader().getClusterId();
            }
            kvs.addAll(page.getKvs());
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return new PrefixRead(List.copyOf(kvs), revision, clusterId);
            }
            byte[] last = page.getKvs().get(page.getKvs().size() - 1).getKey().getBytes();
            // The smallest key after the last one read: the same bytes plus a zero byte.
            from = ByteSequence.from(Arrays.copyOf(last, last.length + 1));
        }
    }

    /** Keys per page of a prefix read: ~1 KB records make pages of ~0.5 MiB, far below the 4 MiB limit. */
    static final int PAGE_LIMIT = 500;

    private static boolean isTooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("RESOURCE_EXHAUSTED") || message.contains("larger than max")) {
                return true;
            }
        }
        return false;
    }

    /** The end of the range of keys starting with {@code prefix}, as etcd's clients compute it. */
    private static ByteSequence prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return ByteSequence.from(Arrays.copyOf(end, i + 1));
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    void put(String key, byte[] value, long leaseId, String action) {
        await(client.getKVClient().put(EtcdKeys.bytes(key), ByteSequence.from(value),
                PutOption.builder().withLeaseId(leaseId).build()), action);
    }

    /** Puts every entry on {@code leaseId} in one transaction: all or nothing. */
    void putAll(Map<String, byte[]> entries, long leaseId, String action) {
        PutOption option = PutOption.builder().withLeaseId(leaseId).build();
        Op[] puts = entries.entrySet().stream()
                .map(e -> Op.put(EtcdKeys.bytes(e.getKey()), ByteSequence.from(e.getValue()), option))
                .toArray(Op[]::new);
        // No condition: etcd applies every put of the transaction, or none if it fails.
        await(client.getKVClient().txn().Then(puts).commit(), action);
    }

    void delete(String key, String action) {
        await(client.getKVClient().delete(EtcdKeys.bytes(key), DeleteOption.DEFAULT), action);
    }

    /** Deletes {@code key} if it was not written since {@code modRevision}. */
    void deleteIfUnchanged(String key, long modRevision, String action) {
        ByteSequence k = EtcdKeys.bytes(key);
        await(client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .commit(), action);
    }

    /** A new lease of {@code ttlSeconds}; its id. */
    long grant(long ttlSeconds, String action) {
        return await(client.getLeaseClient().grant(ttlSeconds, timeout.toNanos(), TimeUnit.NANOSECONDS), action)
                .getID();
    }

    void revoke(long leaseId, String action) {
        await(client.getLeaseClient().revoke(leaseId), action);
    }

    /**
     * Waits for the call within the deadline. A call still waiting after a second may be
     * waiting for a connection gRPC cannot make because of TLS (it says so only at the
     * deadline, as a bare timeout): the probe then checks, and TLS or certificate trouble
     * fails the call at once with a {@link RegistryAuthenticationException} that says what
     * is wrong.
     */
    private <T> T await(CompletableFuture<T> call, String action) {
        long start = System.nanoTime();
        long total = timeout.toNanos();
        if (probe != null && total > PROBE_AFTER_NANOS && !settles(call, PROBE_AFTER_NANOS)) {
            checkTls(call, action);
        }
        return EtcdErrors.await(call, Math.max(0, total - (System.nanoTime() - start)), action, endpoints);
    }

    /**
     * Whether {@code call} is done within {@code nanos}. Failed and interrupted count as done:
     * the wait that follows reports them (an interrupt stays set for it).
     */
    private static boolean settles(CompletableFuture<?> call, long nanos) {
        try {
            call.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException slow) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (ExecutionException | CancellationException e) {
            return true;
        }
    }

    private void checkTls(CompletableFuture<?> call, String action) {
        if (System.nanoTime() - probedCleanAt < PROBE_TRUST_NANOS) {
            return;
        }
        Optional<String> trouble = probe.diagnose();
        if (trouble.isPresent()) {
            call.cancel(true);
            throw new RegistryAuthenticationException("TLS/certificate trouble, cannot " + action + ": "
                    + trouble.get(), null);
        }
        probedCleanAt = System.nanoTime();
    }
}
