package io.microregistry.tck;

import io.microregistry.RegistryException;
import io.microregistry.WatchEvent;
import io.microregistry.WatchStatus;
import io.microregistry.backend.WatchSink;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WatchSink} that records what a store's push watch tells it, for a plugin's own tests of
 * its {@link io.microregistry.backend.RegistryStore#watch} below the core: hand it to the store
 * ({@code store.watch(options, sink)}), make changes, and wait for {@link #events()} (or
 * {@link #statuses()}, {@link #broken()}) to hold what the store should push.
 *
 * <p>Contract: every call is recorded as it arrives, in one list in arrival order
 * ({@link #pushes()}): the {@link WatchEvent}, the {@link WatchStatus} or the
 * {@link RegistryException} it was given, nothing else. For each event it also records the name
 * of the thread that pushed it ({@link #eventThreads()}), and for every call whether another call
 * was still in this sink when it started ({@link #overlapped()}): any two pushes count, statuses and
 * broken included. {@link WatchSink} allows a status to be pushed from another thread than the
 * events, so a test of a store that does so should assert {@link #overlapped()} only where it also
 * asserts that no status was pushed. The sink never throws and never blocks for longer than it
 * takes to add to its lists.
 *
 * <p>Thread-safe: stores push from their own threads. Every accessor returns a copy taken at the
 * moment of the call, so read it again inside a wait.
 */
public final class RecordingSink implements WatchSink {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean overlapped;
    private final Object lock = new Object();
    private final List<Object> pushes = new ArrayList<>();
    private final Set<String> eventThreads = new LinkedHashSet<>();

    /** A sink with nothing recorded yet. */
    public RecordingSink() {
    }

    @Override
    public void event(WatchEvent event) {
        record(event, true);
    }

    @Override
    public void status(WatchStatus status) {
        record(status, false);
    }

    @Override
    public void broken(RegistryException cause) {
        record(cause, false);
    }

    private void record(Object push, boolean event) {
        if (inFlight.incrementAndGet() > 1) {
            overlapped = true;
        }
        try {
            synchronized (lock) {
                if (event) {
                    eventThreads.add(Thread.currentThread().getName());
                }
                pushes.add(push);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Every push so far, oldest first: each a {@link WatchEvent}, a {@link WatchStatus} or a
     * {@link RegistryException} (a {@link #broken} cause).
     */
    public List<Object> pushes() {
        synchronized (lock) {
            return List.copyOf(pushes);
        }
    }

    /** The events pushed so far, oldest first. */
    public List<WatchEvent> events() {
        return only(WatchEvent.class);
    }

    /** The statuses pushed so far, oldest first. */
    public List<WatchStatus> statuses() {
        return only(WatchStatus.class);
    }

    /** The states of {@link #statuses()}, oldest first. */
    public List<WatchStatus.State> states() {
        return statuses().stream().map(WatchStatus::state).toList();
    }

    /** The causes pushed to {@link #broken} so far, oldest first (a correct store pushes one at most). */
    public List<RegistryException> broken() {
        return only(RegistryException.class);
    }

    /** The names of the threads that pushed events, each once, in the order they first pushed one. */
    public Set<String> eventThreads() {
        synchronized (lock) {
            return new LinkedHashSet<>(eventThreads);
        }
    }

    /** Whether a push ever started while another one was still in this sink. */
    public boolean overlapped() {
        return overlapped;
    }

    /**
     * Replays the events pushed so far, by node id, and returns the ids they leave live: for a
     * watch of one service, what the store's view should now hold.
     *
     * @throws AssertionError naming the event, on a CREATE of a node already live or an UPDATE or
     *                        DELETE of one that is not
     */
    public Set<String> live() {
        Set<String> live = new LinkedHashSet<>();
        for (WatchEvent event : events()) {
            String id = event.node().id();
            boolean known = live.contains(id);
            if (event.type() == WatchEvent.Type.CREATE ? known : !known) {
                throw new AssertionError(String.format("%s of %s (%s), live before: %s",
                        event.type(), id, event, live));
            }
            if (event.type() == WatchEvent.Type.DELETE) {
                live.remove(id);
            } else {
                live.add(id);
            }
        }
        return live;
    }

    private <T> List<T> only(Class<T> type) {
        return pushes().stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Override
    public String toString() {
        return "RecordingSink" + pushes();
    }
}
