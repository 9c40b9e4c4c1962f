package io.microregistry.internal;

import io.microregistry.Node;
import io.microregistry.Service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges per-node records (a {@link Service} holding one or more nodes, as stored) into
 * what lookups return: one {@link Service} per name and version, nodes merged and sorted by
 * id, services sorted by name then version. A node id that appears twice within one name and
 * version is kept once (the last record wins). The service-level metadata and endpoints of a
 * group are those of its record with the smallest node id, so the answer is deterministic.
 *
 * <p>Stateless and thread-safe.
 */
public final class VersionGrouping {
    private VersionGrouping() {
    }

    /** Groups the records; see the class description. */
    public static List<Service> group(Collection<Service> records) {
        record Key(String name, String version) {
        }
        final class Group {
            final TreeMap<String, Node> nodes = new TreeMap<>();
            /** The record whose node id is smallest: the source of the group's metadata and endpoints. */
            Service template;
            String templateNode;
        }
        Map<Key, Group> groups = new TreeMap<>(Comparator.comparing(Key::name).thenComparing(Key::version));
        for (Service record : records) {
            Group group = groups.computeIfAbsent(new Key(record.name(), record.version()), k -> new Group());
            for (Node node : record.nodes()) {
                group.nodes.put(node.id(), node);
                if (group.templateNode == null || node.id().compareTo(group.templateNode) <= 0) {
                    group.templateNode = node.id();
                    group.template = record;
                }
            }
        }
        List<Service> services = new ArrayList<>(groups.size());
        for (Group group : groups.values()) {
            if (!group.nodes.isEmpty()) {
                services.add(group.template.withNodes(new ArrayList<>(group.nodes.values())));
            }
        }
        return List.copyOf(services);
    }
}
