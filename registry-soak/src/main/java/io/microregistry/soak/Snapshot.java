package io.microregistry.soak;

import io.microregistry.Node;
import io.microregistry.Service;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the soak compares: the nodes of its service as node id to metadata generation. */
final class Snapshot {

    private Snapshot() {
    }

    /** The nodes of {@code versions} (one service, any versions) as id to {@code gen}. */
    static Map<String, String> of(List<Service> versions) {
        Map<String, String> nodes = new TreeMap<>();
        for (Service service : versions) {
            for (Node node : service.nodes()) {
                nodes.put(node.id(), node.metadata().getOrDefault("gen", "?"));
            }
        }
        return nodes;
    }
}
