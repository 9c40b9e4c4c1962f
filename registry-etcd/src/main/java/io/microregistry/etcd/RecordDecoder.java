package io.microregistry.etcd;

import io.etcd.jetcd.KeyValue;
import io.microregistry.MalformedRecordException;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes stored values into one-node {@link Service} records. A value that is not a
 * go-micro record, or holds no node or several, is skipped: reads and watches go on, and
 * the key is warned about once per client, not on every read.
 *
 * <p>Thread-safe.
 */
final class RecordDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    /** Keys already warned about, so a bad record does not flood the log. */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The record at {@code kv}, or empty if it cannot be decoded. */
    Optional<Service> decode(KeyValue kv) {
        String key = EtcdKeys.text(kv.getKey());
        try {
            Service service = ServiceJson.decode(kv.getValue().getBytes());
            if (service.nodes().size() != 1) {
                throw new MalformedRecordException("record holds " + service.nodes().size()
                        + " nodes, expected exactly one", null);
            }
            return Optional.of(service);
        } catch (MalformedRecordException | IllegalArgumentException e) {
            if (warned.add(key)) {
                LOG.warn("skipping etcd key {}: {}", key, e.getMessage());
            }
            return Optional.empty();
        }
    }
}
