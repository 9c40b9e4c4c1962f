package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Service;

/**
 * Which nodes of a service a {@link Selector} may pick. A node is eligible when
 * {@link #test(Service, Node)} returns true for it and the {@link Service} (one version of the
 * service) that holds it.
 *
 * <p>The built-in filters are values: two filters built from equal arguments are
 * {@link Object#equals equal}, which lets the selector memoise their result per snapshot of the
 * service. A custom filter (a lambda) is compared by identity, so keep it in a constant.
 * Filters must be pure, fast, thread-safe and must not block; they are called again whenever
 * the service's nodes change. Nulls are rejected with {@link IllegalArgumentException}.
 */
@FunctionalInterface
public interface Filter {

    /** Whether {@code node}, of {@code service} (its version, endpoints and metadata), may be picked. */
    boolean test(Service service, Node node);

    /** A filter passing the nodes that pass both this and {@code other}. */
    default Filter and(Filter other) {
        if (other == null) {
            throw new IllegalArgumentException("filter must not be null");
        }
        return new AndFilter(this, other);
    }

    /** Nodes of the service version {@code version} (exact match). */
    static Filter version(String version) {
        if (version == null) {
            throw new IllegalArgumentException("version must not be null");
        }
        return new VersionFilter(version);
    }

    /** Nodes whose metadata maps {@code key} to {@code value} (exact match, as go-micro's label filter). */
    static Filter metadata(String key, String value) {
        if (key == null) {
            throw new IllegalArgumentException("metadata key must not be null");
        }
        if (value == null) {
            throw new IllegalArgumentException("metadata value must not be null");
        }
        return new MetadataFilter(key, value);
    }

    /** Nodes of a service version that exposes an endpoint named {@code name} (exact match). */
    static Filter endpoint(String name) {
        if (name == null) {
            throw new IllegalArgumentException("endpoint name must not be null");
        }
        return new EndpointFilter(name);
    }
}
