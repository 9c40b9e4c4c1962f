package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.backend.LivenessGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent services of one client with one TTL, each with its own TTL check: a view of the
 * client's shared {@link CheckKeeper}, which passes every check and registers a lost one again.
 * A record is one agent registration, so {@link #put} takes one record (see
 * {@link ConsulStore#batches}).
 *
 * <p>Thread-safe. The keeper serialises every write of one Consul ID, so once {@link #remove}
 * or {@link #forget} returned, no keep-alive writes that ID back.
 */
final class TtlCheckGroup implements LivenessGroup {
    private static final Logger LOG = LoggerFactory.getLogger(TtlCheckGroup.class);

    private final ConsulStore store;
    private final CheckKeeper keeper;
    private final Duration ttl;
    /** Node key to the Consul ID and record kept; guarded by {@code this}. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private record Entry(String id, Service record) {
    }

    TtlCheckGroup(ConsulStore store, CheckKeeper keeper, Duration ttl) {
        this.store = store;
        this.keeper = keeper;
        this.ttl = ttl;
    }

    /**
     * Registers the record with the agent, with a TTL check, under its Consul ID (looked up on
     * the agent first if this client does not hold it) and keeps it alive from then on.
     *
     * @throws IllegalArgumentException if given more than one record
     */
    @Override
    public synchronized void put(List<Service> records) {
        if (records.size() > 1) {
            throw new IllegalArgumentException("a Consul TTL check group writes one record at a time, was given "
                    + records.size());
        }
        for (Service record : records) {
            Node node = record.nodes().get(0);
            store.run("register service '" + record.name() + "' node '" + node.id() + "'", () -> {
                String id = store.consulId(record.name(), node.id());
                keeper.register(ServiceRecords.registration(record, node, ttl, id),
                        new IdHolder(record.name(), node.id()), ttl);
                entries.put(key(record.name(), node.id()), new Entry(id, record));
            });
        }
    }

    @Override
    public synchronized void remove(String serviceName, String nodeId) {
        Entry entry = entries.get(key(serviceName, nodeId));
        if (entry == null) {
            return;
        }
        store.run("deregister service '" + serviceName + "' node '" + nodeId + "'",
                () -> keeper.deregister(entry.id(), () -> store.deregisterFromAgent(entry.id())));
        entries.remove(key(serviceName, nodeId));
    }

    @Override
    public synchronized Optional<Service> forget(String serviceName, String nodeId) {
        Entry entry = entries.remove(key(serviceName, nodeId));
        if (entry == null) {
            return Optional.empty();
        }
        keeper.forget(entry.id());
        return Optional.of(entry.record());
    }

    @Override
    public synchronized void remember(Service record) {
        String nodeId = record.nodes().get(0).id();
        String id = store.keptId(record.name(), nodeId);
        if (id != null && keeper.remember(id)) {
            entries.put(key(record.name(), nodeId), new Entry(id, record));
        } else {
            LOG.warn("service '{}' node '{}' was not forgotten by this client, so it cannot be kept alive again "
                    + "without a write; it expires with its TTL", record.name(), nodeId);
        }
    }

    @Override
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * With {@code release}, deregisters every agent service of the group, one agent call each.
     * Once the agent could not be reached (no answer within the timeout, refused) the rest are
     * not tried, here or in the client's other groups: each would wait out the same timeout, and
     * close would take the number of nodes times the timeout. They expire by TTL.
     */
    @Override
    public void close(boolean release) {
        List<Entry> open;
        synchronized (this) {
            open = List.copyOf(entries.values());
            entries.clear();
        }
        int left = 0;
        String cause = "it was found unreachable before";
        for (Entry entry : open) {
            if (!release || store.unreachable()) {
                keeper.stop(entry.id());
                left++;
                continue;
            }
            try {
                keeper.deregister(entry.id(), () -> store.deregisterFromAgent(entry.id()));
            } catch (RuntimeException e) {
                keeper.stop(entry.id());
                if (ConsulFailures.status(e) < 0) {
                    store.markUnreachable();
                    cause = e.getMessage();
                    left++;
                } else {
                    LOG.warn("could not deregister service '{}' node '{}' from {} on close ({}); it expires with "
                            + "its TTL", entry.record().name(), entry.record().nodes().get(0).id(), store.describe(),
                            e.getMessage());
                }
            }
        }
        if (release && left > 0) {
            LOG.warn("{} could not be reached on close ({}); {} node(s) of this client with TTL {} were not "
                    + "deregistered and expire with their TTL", store.describe(), cause, left, ttl);
        }
    }

    private static String key(String serviceName, String nodeId) {
        return serviceName + '\0' + nodeId;
    }
}
