package io.microregistry.consul;

import java.util.List;

/**
 * Who holds a Consul service ID on the agent: the service name and the go-micro node id of
 * the agent service registered under it. The node id is the Consul ID itself unless the
 * record carries a node-id tag (see {@link ServiceRecords#qualifiedId}).
 *
 * @param name   the Consul service name, never null
 * @param nodeId the go-micro node id, never null
 */
record IdHolder(String name, String nodeId) {

    /** The holder of an agent service with Consul ID {@code id}, name {@code name} and {@code tags}. */
    static IdHolder of(String name, String id, List<String> tags) {
        String[] qualified = ConsulIds.parseQualified(id);
        if (qualified != null) {
            return new IdHolder(qualified[0], qualified[1]);
        }
        String tagged = GoMicroTags.decode(tags, "agent service " + id).nodeId();
        String decodedName = ConsulIds.name(name);
        return new IdHolder(decodedName == null ? name : decodedName, tagged == null ? id : tagged);
    }

    /** Whether this is node {@code nodeId} of service {@code name}. */
    boolean is(String name, String nodeId) {
        return this.name.equals(name) && this.nodeId.equals(nodeId);
    }
}
