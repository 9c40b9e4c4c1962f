package io.microregistry.backend;

import io.microregistry.MalformedRecordException;
import io.microregistry.Node;
import io.microregistry.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes stored go-micro records (an etcd value, a znode's data) for backends that store
 * JSON. A record that cannot be decoded is skipped, so one bad key never breaks a read or a
 * watch, and it is warned about once per key while it stays bad, not on every read and
 * resync that meets it.
 *
 * <p>Thread-safe. Keep one per client, so its memory of warned keys ends with the client.
 */
public final class RecordDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    private final String where;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** @param where what a key is, for the warning: {@code "etcd key"}, {@code "ZooKeeper znode"} */
    public RecordDecoder(String where) {
        this.where = where;
    }

    /** The record stored at {@code key}, or empty if it is not a go-micro service record. */
    public Optional<Service> decode(String key, byte[] data) {
        if (data == null || data.length == 0) {
            warnOnce(key, "it is empty");
            return Optional.empty();
        }
        try {
            Service service = ServiceJson.decode(data);
            warned.remove(key);
            return Optional.of(service);
        } catch (MalformedRecordException e) {
            warnOnce(key, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The record at {@code key} if it holds exactly one node, as go-micro writes one key per
     * node; empty (with the warning) otherwise.
     */
    public Optional<Service> decodeOneNode(String key, byte[] data) {
        return decode(key, data).filter(service -> {
            if (service.nodes().size() == 1) {
                return true;
            }
            warnOnce(key, "it holds " + service.nodes().size() + " nodes, expected exactly one");
            return false;
        });
    }

    /**
     * The record at {@code key} split per node: node id to the service holding just that
     * node. Empty if undecodable or without nodes.
     */
    public Map<String, Service> perNode(String key, byte[] data) {
        Map<String, Service> nodes = new LinkedHashMap<>();
        decode(key, data).ifPresent(service -> {
            for (Node node : service.nodes()) {
                nodes.put(node.id(), service.withNode(node));
            }
        });
        return nodes;
    }

    /**
     * Skips a record the backend decoded but will not serve (its identity does not match
     * where it is stored, for instance): warned once per key, like an undecodable one.
     */
    public void skip(String key, String why) {
        warnOnce(key, why);
    }

    private void warnOnce(String key, String why) {
        if (warned.add(key)) {
            LOG.warn("skipping {} {}: not a go-micro service record ({})", where, key, why);
        }
    }
}
