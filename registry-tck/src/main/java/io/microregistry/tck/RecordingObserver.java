package io.microregistry.tck;

import io.microregistry.metrics.RegistryObserver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link RegistryObserver} that records what a backend reports about liveness, for a plugin's
 * own tests of its liveness primitive: hand it to the client
 * ({@code new StoreRegistry(store, observer)}), lose the lease / session / check, and wait for
 * {@link #events()} to hold the loss and the write-backs.
 *
 * <p>Contract: it records exactly two kinds of calls, in the order they arrive, as text:
 * {@link #livenessLost} as {@code "lost <primitive> <records>"} (for example
 * {@code "lost lease 2"}) and {@link #writtenBack} as {@code "written back <service>/<nodeId>"}.
 * Every other observer call is ignored, so that registering, selecting and watching add
 * nothing. Thread-safe: backends report from their own threads.
 */
public final class RecordingObserver implements RegistryObserver {

    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A recorder with nothing recorded yet. */
    public RecordingObserver() {
    }

    @Override
    public void livenessLost(String primitive, int records) {
        events.add("lost " + primitive + " " + records);
    }

    @Override
    public void writtenBack(String service, String nodeId) {
        events.add("written back " + service + "/" + nodeId);
    }

    /** What was recorded so far, oldest first: a copy, so read it again inside a wait. */
    public List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public String toString() {
        return "RecordingObserver" + events;
    }
}
