package io.microregistry.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Resolves {@code micro:///<service>} by following the registry: one push subscription per
 * resolver, every change handed to grpc as it arrives (no polling, {@link #refresh()} only
 * retries a subscription that could not be opened).
 *
 * <p>While the subscription is not current (backend outage, resync) grpc keeps the last
 * addresses it was given: a stale view is logged once per state change, never reported as
 * "no addresses". Addresses are only withdrawn when the registry says a node went away.
 *
 * <p>Thread-safety: grpc calls {@link #start}, {@link #refresh} and {@link #shutdown} from its
 * synchronization context; the subscription's listener runs on the registry's thread, one call
 * at a time, and owns {@link #nodes}; results go back to grpc through the synchronization
 * context.
 */
final class MicroNameResolver extends NameResolver {
    private static final Logger LOG = LoggerFactory.getLogger(MicroNameResolver.class);

    private final MicroTarget target;
    private final String authority;
    private final Supplier<Registry> registry;
    private final SynchronizationContext syncContext;
    private final Executor offload;
    private final ServiceConfigParser configParser;

    // Confined to the synchronization context.
    private Listener2 listener;
    private boolean subscribing;
    private boolean shutdown;
    private Subscription subscription;

    // Confined to the subscription's listener calls (one at a time).
    private final Map<String, Entry> nodes = new TreeMap<>();
    private final Set<String> unusable = new HashSet<>();
    private List<EquivalentAddressGroup> lastPushed;

    private record Entry(String version, Node node, InetSocketAddress address) {
    }

    MicroNameResolver(MicroTarget target, String authority, Supplier<Registry> registry, Args args) {
        this.target = target;
        this.authority = authority;
        this.registry = registry;
        this.syncContext = args.getSynchronizationContext();
        Executor offloadExecutor = args.getOffloadExecutor();
        this.offload = offloadExecutor != null ? offloadExecutor : Runnable::run;
        this.configParser = args.getServiceConfigParser();
    }

    @Override
    public String getServiceAuthority() {
        return authority;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        subscribe();
    }

    @Override
    public void refresh() {
        // Push keeps the view current; only a subscription that failed to open is retried here.
        if (subscription == null) {
            subscribe();
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    /** Opens the subscription off grpc's synchronization context: opening blocks on the backend. */
    private void subscribe() {
        if (subscribing || shutdown) {
            return;
        }
        subscribing = true;
        offload.execute(() -> {
            Subscription opened = null;
            Status failure = null;
            try {
                opened = registry.get().subscribe(WatchOptions.service(target.service()), new Follower());
            } catch (RegistryException | IllegalArgumentException | IllegalStateException e) {
                failure = Status.UNAVAILABLE.withDescription("registry lookup of '" + target.service() + "' failed: "
                        + e.getMessage()).withCause(e);
            }
            Subscription result = opened;
            Status error = failure;
            syncContext.execute(() -> {
                subscribing = false;
                if (shutdown) {
                    if (result != null) {
                        result.close();
                    }
                    return;
                }
                if (error != null) {
                    // grpc retries through refresh() with its own backoff.
                    listener.onError(error);
                } else {
                    subscription = result;
                }
            });
        });
    }

    /** The subscription's listener: keeps {@link #nodes} and hands grpc every change. */
    private final class Follower implements WatchListener {
        private boolean current = true;

        @Override
        public void onSnapshot(List<Service> services) {
            nodes.clear();
            for (Service service : services) {
                for (Node node : service.nodes()) {
                    accept(service, node);
                }
            }
            push();
        }

        @Override
        public void onEvent(WatchEvent event) {
            String id = event.node().id();
            if (event.type() == WatchEvent.Type.DELETE) {
                nodes.remove(id);
            } else if (!accept(event.service(), event.node())) {
                // Changed into something this target does not want (other version, metadata).
                nodes.remove(id);
            }
            push();
        }

        @Override
        public void onStatus(WatchStatus status) {
            boolean nowCurrent = status.isCurrent();
            if (nowCurrent == current) {
                return;
            }
            current = nowCurrent;
            if (nowCurrent) {
                LOG.info("micro:///{}: registry view current again; following changes", target.service());
            } else {
                LOG.warn("micro:///{}: registry view {} ({}); keeping the last {} addresses", target.service(),
                        status.state(), status.cause().map(Throwable::getMessage).orElse("no cause given"),
                        nodes.size());
            }
        }
    }

    private boolean accept(Service service, Node node) {
        if (!service.name().equals(target.service()) || !target.accepts(service.version(), node)) {
            return false;
        }
        InetSocketAddress address;
        try {
            address = NodeAddress.parse(node.address());
        } catch (IllegalArgumentException e) {
            if (unusable.add(node.id())) {
                LOG.warn("micro:///{}: skipping node {}: {}", target.service(), node.id(), e.getMessage());
            }
            return false;
        }
        unusable.remove(node.id());
        nodes.put(node.id(), new Entry(service.version(), node, address));
        return true;
    }

    private void push() {
        List<EquivalentAddressGroup> groups = new ArrayList<>(nodes.size());
        boolean weighted = false;
        for (Map.Entry<String, Entry> e : nodes.entrySet()) {
            Entry entry = e.getValue();
            groups.add(new EquivalentAddressGroup(entry.address(), Attributes.newBuilder()
                    .set(MicroAttributes.NODE_ID, e.getKey())
                    .set(MicroAttributes.VERSION, entry.version())
                    .set(MicroAttributes.METADATA, Map.copyOf(entry.node().metadata()))
                    .build()));
            weighted |= entry.node().metadata().containsKey(WeightedRoundRobinProvider.WEIGHT);
        }
        if (groups.equals(lastPushed)) {
            return;
        }
        List<EquivalentAddressGroup> result = List.copyOf(groups);
        lastPushed = result;
        ResolutionResult.Builder builder = ResolutionResult.newBuilder().setAddresses(result);
        if (configParser != null) {
            builder.setServiceConfig(configParser.parseServiceConfig(
                    LoadBalancing.serviceConfig(weighted ? WeightedRoundRobinProvider.POLICY : "round_robin")));
        }
        ResolutionResult resolution = builder.build();
        syncContext.execute(() -> {
            if (!shutdown) {
                listener.onResult(resolution);
            }
        });
    }
}
