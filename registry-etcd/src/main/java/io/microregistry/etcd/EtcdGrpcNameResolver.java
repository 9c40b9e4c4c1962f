package io.microregistry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.microregistry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Resolves {@code etcd:///<target>} from etcd's gRPC naming layout: every key under
 * {@code <target>/} (with the slash, so {@code my-service} never reads
 * {@code my-service2/...}) whose value is an endpoints add record or a bare {@code host:port}.
 *
 * <p>Read once, then followed by a watch from the next revision. A broken stream, a
 * compaction or a store that went backwards (etcd restored or wiped) makes it re-read and
 * watch again, with backoff while etcd does not answer; until then grpc keeps the last
 * addresses. Unreadable values are skipped with one warning per key and value.
 *
 * <p>Thread-safety: state is guarded by this; blocking reads run on grpc's offload executor,
 * never on jetcd's or grpc's event threads; results reach grpc through its synchronization
 * context.
 */
final class EtcdGrpcNameResolver extends NameResolver {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdGrpcNameResolver.class);

    private final String target;
    private final String prefix;
    private final Supplier<EtcdCalls> calls;
    private final SynchronizationContext syncContext;
    private final ScheduledExecutorService timer;
    private final Executor offload;
    private final Backoff backoff;

    // Confined to the synchronization context.
    private Listener2 listener;
    private boolean delivered;

    // Guarded by this.
    private final Map<String, GrpcEndpointValue> endpoints = new TreeMap<>();
    private final Set<String> skipped = new HashSet<>();
    private long revision;
    private final WatchGeneration generation = new WatchGeneration(this);
    private int failures;
    private List<EquivalentAddressGroup> lastPushed;

    EtcdGrpcNameResolver(String target, Supplier<EtcdCalls> calls, Args args, Backoff backoff) {
        this.target = target;
        this.prefix = target + "/";
        this.calls = calls;
        this.syncContext = args.getSynchronizationContext();
        this.timer = args.getScheduledExecutorService();
        Executor offloadExecutor = args.getOffloadExecutor();
        this.offload = offloadExecutor != null ? offloadExecutor : Runnable::run;
        this.backoff = backoff;
    }

    @Override
    public String getServiceAuthority() {
        // The last path segment names the service; the authority must be a valid host-ish string.
        int slash = target.lastIndexOf('/');
        return target.substring(slash + 1);
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        long current = generation.current();
        offload.execute(() -> resync(current));
    }

    @Override
    public void refresh() {
        // Push keeps the view current; a failing read is already retried with backoff.
    }

    @Override
    public void shutdown() {
        generation.stop();
    }

    /** Reads the whole prefix, replaces the view with it and watches from the next revision. Blocking. */
    private void resync(long expected) {
        if (!generation.isLive(expected)) {
            return;
        }
        PrefixRead snapshot;
        try {
            snapshot = calls.get().getPrefix(prefix, "read gRPC endpoints under " + prefix);
        } catch (RuntimeException e) {
            int attempt;
            synchronized (this) {
                if (!generation.isLive(expected)) {
                    return;
                }
                attempt = failures++;
            }
            if (attempt == 0) {
                LOG.warn("etcd:///{}: cannot read endpoints ({}); keeping the last addresses, retrying with backoff",
                        target, e.getMessage());
            }
            syncContext.execute(() -> {
                if (!delivered && !isStopped()) {
                    // Nothing known yet: tell grpc, which fails calls fast until a read succeeds.
                    listener.onError(Status.UNAVAILABLE.withDescription("cannot read " + prefix + " from etcd: "
                            + e.getMessage()).withCause(e));
                }
            });
            later(expected, backoff.delay(attempt).toMillis());
            return;
        }
        synchronized (this) {
            if (!generation.isLive(expected)) {
                return;
            }
            if (failures > 0) {
                LOG.info("etcd:///{}: endpoints read again after {} failed attempt(s)", target, failures);
            }
            failures = 0;
            endpoints.clear();
            for (KeyValue kv : snapshot.kvs()) {
                apply(EtcdKeys.text(kv.getKey()), kv.getValue().getBytes());
            }
            revision = snapshot.revision();
            WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
            try {
                // Live, checked above under the same lock: adopted.
                generation.adopt(expected, calls.get().client().getWatchClient().watch(EtcdKeys.bytes(prefix), option,
                        follower(expected)));
            } catch (RuntimeException e) {
                LOG.warn("etcd:///{}: cannot watch {} ({}); re-reading with backoff", target, prefix, e.getMessage());
                later(generation.next(), backoff.delay(failures++).toMillis());
            }
            push();
        }
    }

    private boolean isStopped() {
        return generation.isStopped();
    }

    /** Applies one stored value at {@code key}. Holds the lock. */
    private void apply(String key, byte[] value) {
        Optional<GrpcEndpointValue> decoded;
        try {
            decoded = GrpcEndpointValue.decode(value);
        } catch (IllegalArgumentException e) {
            if (skipped.add(key + "\n" + new String(value, java.nio.charset.StandardCharsets.UTF_8))) {
                LOG.warn("etcd:///{}: skipping key {}: {}", target, key, e.getMessage());
            }
            endpoints.remove(key);
            return;
        }
        if (decoded.isPresent()) {
            endpoints.put(key, decoded.get());
        } else {
            endpoints.remove(key);
        }
    }

    /** Hands grpc the current addresses if they changed. Holds the lock. */
    private void push() {
        Set<String> seen = new LinkedHashSet<>();
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (Map.Entry<String, GrpcEndpointValue> e : endpoints.entrySet()) {
            String addr = e.getValue().addr();
            if (!seen.add(addr)) {
                continue; // The same address under two keys is one server.
            }
            InetSocketAddress socket;
            try {
                socket = socketAddress(addr);
            } catch (IllegalArgumentException bad) {
                if (skipped.add(e.getKey() + "\n" + addr)) {
                    LOG.warn("etcd:///{}: skipping key {}: {}", target, e.getKey(), bad.getMessage());
                }
                continue;
            }
            groups.add(new EquivalentAddressGroup(socket, Attributes.newBuilder()
                    .set(EtcdGrpcNameResolverProvider.KEY, e.getKey())
                    .set(EtcdGrpcNameResolverProvider.METADATA, e.getValue().metadata().toString())
                    .build()));
        }
        if (groups.equals(lastPushed)) {
            return;
        }
        List<EquivalentAddressGroup> result = List.copyOf(groups);
        lastPushed = result;
        syncContext.execute(() -> {
            if (!isStopped()) {
                delivered = true;
                listener.onResult(ResolutionResult.newBuilder().setAddresses(result).build());
            }
        });
    }

    /** The socket address of {@code host:port} ({@code [v6]:port}); resolves a host name, blocking. */
    static InetSocketAddress socketAddress(String addr) {
        int colon = checkAddress(addr);
        String host = addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(addr.substring(colon + 1)));
    }

    /**
     * Checks that {@code addr} is {@code host:port} with a port in 1..65535 and returns the
     * index of the colon before the port.
     *
     * @throws IllegalArgumentException naming the rule broken
     */
    static int checkAddress(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || colon == addr.length() - 1) {
            throw new IllegalArgumentException("addr must be host:port, got '" + addr + "'");
        }
        String host = addr.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException("addr with an IPv6 host must bracket it ([::1]:port), got '" + addr + "'");
        }
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("addr port must be a number, got '" + addr + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("addr port must be in 1..65535, got '" + addr + "'");
        }
        return colon;
    }

    /** Drops the current watch and re-reads soon: the stream broke, ended, or etcd lost its data. */
    private void restart(long expected, String why) {
        Watch.Watcher closing;
        long next;
        synchronized (this) {
            if (!generation.isLive(expected)) {
                return;
            }
            closing = generation.abandon();
            next = generation.current();
        }
        LOG.info("etcd:///{}: watch {}; re-reading {} and watching again", target, why, prefix);
        if (closing != null) {
            closing.close();
        }
        later(next, backoff.delay(0).toMillis());
    }

    private void later(long expected, long delayMillis) {
        WatchGeneration.schedule(timer, () -> offload.execute(() -> resync(expected)), delayMillis);
    }

    /** jetcd's callbacks for the watcher of generation {@code expected}: ignored once it has passed. */
    private Watch.Listener follower(long expected) {
        // jetcd may resume by itself, but not after a compaction; re-reading is cheap and always right.
        return Watch.listener(response -> follow(expected, response),
                error -> offload.execute(() -> restart(expected, "broke (" + EtcdErrors.unwrap(error).getMessage()
                        + ")")),
                () -> offload.execute(() -> restart(expected, "ended")));
    }

    /** Applies one watch response of generation {@code expected} and hands grpc the result. */
    private void follow(long expected, WatchResponse response) {
        synchronized (this) {
            if (!generation.isLive(expected)) {
                return;
            }
            long serverRevision = response.getHeader().getRevision();
            if (serverRevision != 0 && serverRevision < revision) {
                // etcd went backwards (restored or wiped): revisions no longer line up, re-read.
                offload.execute(() -> restart(expected, "sees revision " + serverRevision + " after " + revision));
                return;
            }
            revision = WatchGeneration.applyAfter(response, revision, (event, key) -> {
                switch (event.getEventType()) {
                    case PUT -> apply(key, event.getKeyValue().getValue().getBytes());
                    case DELETE -> endpoints.remove(key);
                    default -> {
                        // Nothing to apply.
                    }
                }
            });
            push();
        }
    }
}
