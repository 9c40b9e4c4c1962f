package io.microregistry;

import java.util.Map;

/**
 * One running instance of a service: where to reach it and what it says about itself.
 *
 * <p>Immutable and thread-safe. {@code id} and {@code address} must not be null
 * ({@link IllegalArgumentException} naming the field); a null {@code metadata} map becomes
 * empty. Content rules (blank, length, control characters) are checked when registering,
 * not here, so records written by other clients can always be read.
 *
 * @param id       unique id of this instance within its service
 * @param address  {@code host:port} to reach it
 * @param metadata free-form labels (e.g. {@code weight}, {@code zone}), never null
 */
public record Node(String id, String address, Map<String, String> metadata) {
    public Node {
        Models.requireNonNull(id, "node id");
        Models.requireNonNull(address, "node address");
        metadata = Models.immutableMap(metadata, "node metadata");
    }

    /** A node with no metadata. */
    public static Node of(String id, String address) {
        return new Node(id, address, Map.of());
    }

    /** This node with its metadata replaced. */
    public Node withMetadata(Map<String, String> newMetadata) {
        return new Node(id, address, newMetadata);
    }
}
