package io.microregistry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.microregistry.RegistryException;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

    EtcdCalls(Client client, Duration timeout, String endpoints) {
        this.client = client;
        this.timeout = timeout;
        this.endpoints = endpoints;
    }

    Client client() {
        return client;
    }

    String endpoints() {
        return endpoints;
    }

    /** Every key and value under {@code prefix}, with the revision they were read at. */
    GetResponse getPrefix(String prefix, String action) {
        return await(client.getKVClient().get(EtcdKeys.bytes(prefix),
                GetOption.builder().isPrefix(true).build()), action);
    }

    void put(String key, byte[] value, long leaseId, String action) {
        await(client.getKVClient().put(EtcdKeys.bytes(key), ByteSequence.from(value),
                PutOption.builder().withLeaseId(leaseId).build()), action);
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

    private <T> T await(CompletableFuture<T> call, String action) {
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw EtcdErrors.translate(action, endpoints, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw EtcdErrors.translate(action, endpoints, e);
        } catch (Exception e) {
            throw EtcdErrors.translate(action, endpoints, e);
        }
    }
}
