package io.microregistry.backend;

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
        Map<Key, TreeMap<String, Node>> nodes = new TreeMap<>(
                Comparator.comparing(Key::name).thenComparing(Key::version));
        Map<Key, Service> template = new TreeMap<>(Comparator.comparing(Key::name).thenComparing(Key::version));
        Map<Key, String> templateNode = new TreeMap<>(Comparator.comparing(Key::name).thenComparing(Key::version));
        for (Service record : records) {
            Key key = new Key(record.name(), record.version());
            TreeMap<String, Node> group = nodes.computeIfAbsent(key, k -> new TreeMap<>());
            for (Node node : record.nodes()) {
                group.put(node.id(), node);
                String current = templateNode.get(key);
                if (current == null || node.id().compareTo(current) <= 0) {
                    templateNode.put(key, node.id());
                    template.put(key, record);
                }
            }
        }
        List<Service> services = new ArrayList<>(nodes.size());
        nodes.forEach((key, group) -> {
            if (!group.isEmpty()) {
                services.add(template.get(key).withNodes(new ArrayList<>(group.values())));
            }
        });
        return List.copyOf(services);
    }
}
