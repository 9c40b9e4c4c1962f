package io.microregistry;

import java.util.Objects;

/**
 * One change to one node.
 *
 * <p>Immutable. {@code service} holds exactly the node concerned, with the service name,
 * version, metadata and endpoints it was registered with; for {@link Type#DELETE} it is the
 * last known record of the node.
 *
 * @param type    what happened
 * @param service the service, holding the one node concerned
 */
public record WatchEvent(Type type, Service service) {

    /** What happened to the node. */
    public enum Type {
        /** A node appeared. */
        CREATE,
        /** A node's record changed (address, metadata, version, endpoints). */
        UPDATE,
        /** A node went away: deregistered, expired, or its owner died. */
        DELETE
    }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        if (service.nodes().size() != 1) {
            throw new IllegalArgumentException("watch event service must hold exactly one node, had "
                    + service.nodes().size());
        }
    }

    /** The node concerned. */
    public Node node() {
        return service.nodes().get(0);
    }

    public static WatchEvent create(Service service) {
        return new WatchEvent(Type.CREATE, service);
    }

    public static WatchEvent update(Service service) {
        return new WatchEvent(Type.UPDATE, service);
    }

    public static WatchEvent delete(Service service) {
        return new WatchEvent(Type.DELETE, service);
    }
}
