package io.microregistry.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.Client;
import io.microregistry.Backoff;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.backend.DaemonThreads;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Publishes gRPC servers into etcd's gRPC naming layout, the way grpc-go's
 * {@code endpoints.Manager.AddEndpoint(ctx, "<target>/<addr>", Endpoint{Addr: addr}, WithLease(id))}
 * does: key {@code <target>/<host:port>}, value {@code {"Op":0,"Addr":"<host:port>","Metadata":...}},
 * on a lease this object keeps alive. A grpc-go client dialing {@code etcd:///<target>} (and
 * {@link EtcdGrpcNameResolverProvider} in Java) finds them.
 *
 * <p>The lease heals itself like the etcd registry's: if etcd loses it (an outage longer than
 * the TTL, an etcd restart or wipe) a new one is granted and every published key is put again,
 * with backoff, until {@link #close()}. If this process dies, its keys vanish within the TTL.
 *
 * <p>Thread-safe; every method blocks for at most the configured timeout per etcd call.
 * Bad arguments throw {@link IllegalArgumentException} naming the field before anything is
 * written; etcd trouble throws {@link RegistryException} with the cause.
 */
public final class EtcdGrpcEndpoints implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final ScheduledThreadPoolExecutor scheduler;
    private final LeaseKeeper keeper;

    private EtcdGrpcEndpoints(Client client, EtcdCalls calls, ScheduledThreadPoolExecutor scheduler, long ttlSeconds) {
        this.client = client;
        this.scheduler = scheduler;
        this.keeper = new LeaseKeeper(calls, scheduler, Backoff.DEFAULT, ttlSeconds);
    }

    /**
     * A publisher on the etcd {@code config} describes, with keys on a lease of {@code ttl}
     * (whole seconds, at least 1). Does not contact etcd yet.
     */
    public static EtcdGrpcEndpoints open(RegistryConfig config, Duration ttl) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(RegisterOptions.MIN_TTL) < 0 || ttl.compareTo(RegisterOptions.MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be between " + RegisterOptions.MIN_TTL + " and "
                    + RegisterOptions.MAX_TTL + ", got " + ttl);
        }
        EtcdConnection connection = EtcdConnection.of(config);
        Client client = connection.open();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                new DaemonThreads("etcd-grpc-endpoints-"));
        scheduler.setRemoveOnCancelPolicy(true);
        return new EtcdGrpcEndpoints(client, new EtcdCalls(client, connection.timeout(), connection.describe()),
                scheduler, Math.max(1, (ttl.toMillis() + 999) / 1000));
    }

    /** {@link #add(String, String, String)} without metadata ({@code "Metadata":null}). */
    public void add(String target, String addr) {
        add(target, addr, null);
    }

    /**
     * Publishes {@code addr} under {@code target} (key {@code <target>/<addr>}) and keeps it
     * alive. Publishing the same address again replaces its metadata in place.
     *
     * @param target       the name clients dial, {@code etcd:///<target>}; no leading or trailing {@code /}
     * @param addr         {@code host:port} clients connect to
     * @param metadataJson any JSON for the {@code Metadata} field, or null
     */
    public void add(String target, String addr, String metadataJson) {
        String key = key(target, addr);
        JsonNode metadata = null;
        if (metadataJson != null) {
            try {
                metadata = JSON.readTree(metadataJson);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("metadata must be JSON: " + e.getOriginalMessage());
            }
        }
        byte[] value = new GrpcEndpointValue(GrpcEndpointValue.ADD, addr, metadata).encode();
        keeper.put(key, value, "publish gRPC endpoint " + key);
    }

    /** Removes {@code addr} from {@code target} (a plain key delete, as grpc-go's DeleteEndpoint) and stops keeping it. */
    public void remove(String target, String addr) {
        String key = key(target, addr);
        keeper.delete(key, "remove gRPC endpoint " + key);
    }

    /** The key an address is published under: {@code <target>/<addr>}. */
    public static String key(String target, String addr) {
        if (target == null || target.isEmpty() || target.startsWith("/") || target.endsWith("/")) {
            throw new IllegalArgumentException("target must be non-empty without a leading or trailing '/', got '"
                    + target + "'");
        }
        if (addr == null) {
            throw new IllegalArgumentException("addr must not be null");
        }
        EtcdGrpcNameResolver.checkAddress(addr);
        return target + "/" + addr;
    }

    /** Revokes the lease, so every published key vanishes at once, and releases the client. Idempotent; never throws. */
    @Override
    public void close() {
        keeper.stop(true);
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
