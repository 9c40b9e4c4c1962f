package io.microregistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service at one version and the nodes that run it; the unit of registration and lookup.
 *
 * <p>Immutable and thread-safe. {@code name} and {@code version} must not be null
 * ({@link IllegalArgumentException} naming the field); null maps and lists (Go's nil) become
 * empty. When registering, every node listed is registered under this service's name,
 * version, metadata and endpoints. When looking up, one {@code Service} is returned per
 * version, holding every live node of that version.
 *
 * @param name      service name, e.g. {@code "greeter"}; any characters, compared exactly
 * @param version   version label, e.g. {@code "1.0"}; may be empty
 * @param metadata  service-level labels, never null
 * @param endpoints endpoints the service exposes, never null
 * @param nodes     instances, never null
 */
public record Service(String name, String version, Map<String, String> metadata,
                      List<Endpoint> endpoints, List<Node> nodes) {
    public Service {
        Models.requireNonNull(name, "service name");
        Models.requireNonNull(version, "service version");
        metadata = Models.immutableMap(metadata, "service metadata");
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** Starts a builder for a service with this name. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** This service with its nodes replaced. */
    public Service withNodes(List<Node> newNodes) {
        return new Service(name, version, metadata, endpoints, newNodes);
    }

    /** This service holding just {@code node}: the form a backend stores per node. */
    public Service withNode(Node node) {
        return new Service(name, version, metadata, endpoints, List.of(node));
    }

    /**
     * Builds a {@link Service}. Not thread-safe; {@link #build()} may be called repeatedly.
     */
    public static final class Builder {
        private final String name;
        private String version = "";
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        public Builder metadata(Map<String, String> entries) {
            metadata.putAll(entries);
            return this;
        }

        public Builder endpoint(Endpoint endpoint) {
            endpoints.add(endpoint);
            return this;
        }

        public Builder node(Node node) {
            nodes.add(node);
            return this;
        }

        public Builder node(String id, String address) {
            return node(Node.of(id, address));
        }

        public Service build() {
            return new Service(name, version, metadata, endpoints, nodes);
        }
    }
}
