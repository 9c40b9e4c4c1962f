package io.microregistry.grpc;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;

import java.util.Map;

/**
 * Keys of the {@link EquivalentAddressGroup#getAttributes() attributes} the {@code micro}
 * resolver puts on every address group: one group per registry node.
 *
 * <p>Load balancers and interceptors read them to route by node; values are never null
 * (metadata may be empty). Constants only: thread-safe.
 */
public final class MicroAttributes {

    /** The node's id in the registry. */
    public static final Attributes.Key<String> NODE_ID = Attributes.Key.create("io.microregistry.grpc.nodeId");

    /** The version of the service the node was registered under. */
    public static final Attributes.Key<String> VERSION = Attributes.Key.create("io.microregistry.grpc.version");

    /** The node's metadata (unmodifiable), e.g. {@code zone} or {@code weight}. */
    public static final Attributes.Key<Map<String, String>> METADATA =
            Attributes.Key.create("io.microregistry.grpc.metadata");

    private MicroAttributes() {
    }
}
