package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The size ZooKeeper takes per record, checked before anything is written.
 *
 * <p>A ZooKeeper server drops a connection whose request is larger than its
 * {@code jute.maxbuffer} (1 MiB by default): the client then sees a timeout and a reconnect,
 * not an error. So each node's record (its JSON plus its znode path) must fit in
 * {@link #MAX_RECORD_BYTES}, which leaves room for the request's other fields.
 *
 * <p>Stateless and thread-safe.
 */
final class RecordLimits {

    /** The largest record (JSON and path, in bytes) this backend writes. */
    static final int MAX_RECORD_BYTES = 1_000_000;

    private RecordLimits() {
    }

    /**
     * The JSON record of each node of {@code service}, by node id, in the service's order.
     *
     * @throws IllegalArgumentException naming the node whose record is too large or cannot be encoded
     */
    static Map<String, byte[]> encode(Service service) {
        return encode(service, ZookeeperPaths.DEFAULT);
    }

    /** {@link #encode(Service)} for records stored under {@code paths}' root. */
    static Map<String, byte[]> encode(Service service, ZookeeperPaths paths) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        for (Node node : service.nodes()) {
            byte[] data;
            try {
                data = ServiceJson.encode(service.withNode(node));
            } catch (RuntimeException | StackOverflowError e) {
                // A Value tree nested thousands deep overflows the encoder's stack.
                throw new IllegalArgumentException("service '" + service.name() + "', node '" + node.id()
                        + "': cannot be encoded as a go-micro JSON record (endpoint values nested too deep?)", e);
            }
            int size = data.length + paths.node(service.name(), node.id()).getBytes(StandardCharsets.UTF_8).length;
            if (size > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("service '" + service.name() + "', node '" + node.id()
                        + "': its record is " + size + " bytes (JSON of the service with this node, metadata and"
                        + " endpoints included, plus its znode path); ZooKeeper takes at most " + MAX_RECORD_BYTES
                        + " bytes per record (the server's jute.maxbuffer is 1 MiB)");
            }
            records.put(node.id(), data);
        }
        return records;
    }
}
