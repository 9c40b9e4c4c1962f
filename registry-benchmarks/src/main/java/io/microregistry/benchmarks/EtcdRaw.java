package io.microregistry.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.microregistry.Service;
import io.microregistry.backend.KeySegment;
import io.microregistry.backend.ServiceJson;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * jetcd doing what the etcd registry does: go-micro key and JSON, every record on one lease per
 * TTL kept alive by jetcd; a prefix watch on the service's keys.
 */
final class EtcdRaw implements RawClient {

    private final Client client;
    private long lease = -1;
    private CloseableClient keepAlive;

    EtcdRaw(String endpoint) {
        client = Client.builder().endpoints(endpoint).build();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static String prefix(String service) {
        return "/micro/registry/" + KeySegment.of(service) + "/";
    }

    @Override
    public void register(Service service, Duration ttl) throws Exception {
        if (lease < 0) {
            lease = client.getLeaseClient().grant(ttl.toSeconds()).get(10, TimeUnit.SECONDS).getID();
            keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<LeaseKeepAliveResponse>() {
                @Override
                public void onNext(LeaseKeepAliveResponse value) {
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
        }
        String key = prefix(service.name()) + KeySegment.of(service.nodes().get(0).id());
        client.getKVClient().put(bytes(key), ByteSequence.from(ServiceJson.encode(service)),
                PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
    }

    @Override
    public Runnable watch(String serviceName, Consumer<String> created) throws Exception {
        String prefix = prefix(serviceName);
        CountDownLatch established = new CountDownLatch(1);
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix),
                WatchOption.builder().isPrefix(true).withCreateNotify(true).build(),
                response -> {
                    if (response.isCreatedNotify()) {
                        established.countDown();
                    }
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.PUT && event.getKeyValue().getVersion() == 1) {
                            String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                            created.accept(key.substring(prefix.length()));
                        }
                    }
                });
        if (!established.await(10, TimeUnit.SECONDS)) {
            watcher.close();
            throw new IllegalStateException("jetcd watch on " + prefix + " not established in 10 s");
        }
        return watcher::close;
    }

    @Override
    public void close() {
        try {
            if (keepAlive != null) {
                keepAlive.close();
                client.getLeaseClient().revoke(lease).get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // The keys expire with the lease anyway.
        } finally {
            client.close();
        }
    }
}
