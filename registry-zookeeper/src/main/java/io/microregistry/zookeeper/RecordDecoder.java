package io.microregistry.zookeeper;

import io.microregistry.MalformedRecordException;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes znode data into service records, skipping what cannot be decoded with one warning
 * per path (not one per read: a bad record is read on every lookup and every resync).
 *
 * <p>Thread-safe. One per client, so its memory of warned paths ends with the client.
 */
final class RecordDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The record at {@code path}, or empty if it is not a go-micro service record. */
    Optional<Service> decode(String path, byte[] data) {
        if (data == null || data.length == 0) {
            warnOnce(path, "it is empty");
            return Optional.empty();
        }
        try {
            Service service = ServiceJson.decode(data);
            warned.remove(path);
            return Optional.of(service);
        } catch (MalformedRecordException e) {
            warnOnce(path, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The record at {@code path} split per node: node id to the service holding just that
     * node. Empty if undecodable or without nodes.
     */
    Map<String, Service> perNode(String path, byte[] data) {
        Map<String, Service> nodes = new LinkedHashMap<>();
        decode(path, data).ifPresent(service -> {
            for (Node node : service.nodes()) {
                nodes.put(node.id(), service.withNode(node));
            }
        });
        return nodes;
    }

    private void warnOnce(String path, String why) {
        if (warned.add(path)) {
            LOG.warn("skipping ZooKeeper znode {}: not a go-micro service record ({})", path, why);
        }
    }
}
