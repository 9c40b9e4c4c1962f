package io.microregistry.grpc;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link WeightedRoundRobinProvider#POLICY} balancer: one subchannel per address group,
 * kept across updates of its attributes (a weight change does not reconnect); the picker
 * spreads calls over the READY ones by weight.
 *
 * <p>grpc calls every method here from the channel's synchronization context, so no locking
 * beyond the picker's own.
 */
final class WeightedRoundRobin extends LoadBalancer {
    private static final Logger LOG = LoggerFactory.getLogger(WeightedRoundRobin.class);

    private final Helper helper;
    /** Keyed by the addresses only (attributes stripped), so a metadata change keeps the connection. */
    private final Map<EquivalentAddressGroup, Child> children = new LinkedHashMap<>();
    private final Set<String> badWeights = new HashSet<>();
    private ConnectivityState published;

    private static final class Child {
        final Subchannel subchannel;
        ConnectivityStateInfo state = ConnectivityStateInfo.forNonError(ConnectivityState.IDLE);
        int weight;

        Child(Subchannel subchannel, int weight) {
            this.subchannel = subchannel;
            this.weight = weight;
        }
    }

    WeightedRoundRobin(Helper helper) {
        this.helper = helper;
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        List<EquivalentAddressGroup> groups = resolved.getAddresses();
        if (groups.isEmpty()) {
            Status error = Status.UNAVAILABLE.withDescription("no node of the service is registered");
            handleNameResolutionError(error);
            return error;
        }
        Map<EquivalentAddressGroup, EquivalentAddressGroup> wanted = new HashMap<>();
        for (EquivalentAddressGroup group : groups) {
            wanted.put(new EquivalentAddressGroup(group.getAddresses()), group);
        }
        children.entrySet().removeIf(e -> {
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().subchannel.shutdown();
                return true;
            }
            return false;
        });
        for (Map.Entry<EquivalentAddressGroup, EquivalentAddressGroup> e : wanted.entrySet()) {
            int weight = weight(e.getValue().getAttributes());
            Child existing = children.get(e.getKey());
            if (existing != null) {
                existing.weight = weight;
                continue;
            }
            Subchannel subchannel = helper.createSubchannel(CreateSubchannelArgs.newBuilder()
                    .setAddresses(e.getValue()).build());
            Child child = new Child(subchannel, weight);
            children.put(e.getKey(), child);
            subchannel.start(info -> onState(child, info));
            subchannel.requestConnection();
        }
        publish();
        return Status.OK;
    }

    private void onState(Child child, ConnectivityStateInfo info) {
        if (children.get(new EquivalentAddressGroup(child.subchannel.getAddresses().getAddresses())) != child) {
            return; // Removed meanwhile.
        }
        if (info.getState() == ConnectivityState.IDLE) {
            child.subchannel.requestConnection();
        }
        child.state = info;
        publish();
    }

    private int weight(Attributes attributes) {
        Map<String, String> metadata = attributes.get(MicroAttributes.METADATA);
        String raw = metadata == null ? null : metadata.get(WeightedRoundRobinProvider.WEIGHT);
        if (raw == null) {
            return 1;
        }
        try {
            int weight = Integer.parseInt(raw.trim());
            if (weight >= 1) {
                return weight;
            }
        } catch (NumberFormatException ignored) {
            // Reported below.
        }
        String node = attributes.get(MicroAttributes.NODE_ID);
        if (badWeights.add(node + "=" + raw)) {
            LOG.warn("node {}: weight '{}' is not a positive integer; using 1", node, raw);
        }
        return 1;
    }

    private void publish() {
        List<Subchannel> ready = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        boolean connecting = false;
        Status failure = null;
        for (Child child : children.values()) {
            ConnectivityState state = child.state.getState();
            if (state == ConnectivityState.READY) {
                ready.add(child.subchannel);
                weights.add(child.weight);
            } else if (state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE) {
                connecting = true;
            } else if (state == ConnectivityState.TRANSIENT_FAILURE) {
                failure = child.state.getStatus();
            }
        }
        if (!ready.isEmpty()) {
            update(ConnectivityState.READY, new SmoothWeightedPicker(ready, weights));
        } else if (connecting) {
            update(ConnectivityState.CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
        } else {
            Status error = failure != null ? failure : Status.UNAVAILABLE.withDescription("no node is reachable");
            update(ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
        }
    }

    private void update(ConnectivityState state, SubchannelPicker picker) {
        published = state;
        helper.updateBalancingState(state, picker);
    }

    @Override
    public void handleNameResolutionError(Status error) {
        if (published != ConnectivityState.READY) {
            update(ConnectivityState.TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
        }
    }

    @Override
    public void shutdown() {
        for (Child child : children.values()) {
            child.subchannel.shutdown();
        }
        children.clear();
    }
}
