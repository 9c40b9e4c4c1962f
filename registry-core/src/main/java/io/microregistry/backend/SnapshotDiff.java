package io.microregistry.backend;

import io.microregistry.Service;
import io.microregistry.WatchEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns two views of the registry into the watch events that lead from one to the other.
 * Backends use it after a resync (broken stream, compaction, reconnect) to emit only what
 * changed while they were not looking.
 *
 * <p>Stateless and thread-safe.
 */
public final class SnapshotDiff {
    private SnapshotDiff() {
    }

    /**
     * Events from {@code before} to {@code after}: DELETE for keys gone, CREATE for keys new,
     * UPDATE for keys whose record differs. Keys are whatever identifies one node (a backend
     * key, or service name plus node id); values hold exactly that node.
     */
    public static <K> List<WatchEvent> diff(Map<K, Service> before, Map<K, Service> after) {
        List<WatchEvent> events = new ArrayList<>();
        before.forEach((key, old) -> {
            if (!after.containsKey(key)) {
                events.add(WatchEvent.delete(old));
            }
        });
        after.forEach((key, now) -> {
            Service old = before.get(key);
            if (old == null) {
                events.add(WatchEvent.create(now));
            } else if (!old.equals(now)) {
                events.add(WatchEvent.update(now));
            }
        });
        return events;
    }
}
