package io.microregistry.backend;

import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One subscriber of a {@link Feed}: its mailbox and its turn on the delivery pool.
 *
 * <p><b>Mailbox.</b> What waits for the listener is a sequence of segments: a status change, or
 * a run of events coalesced per node (the latest state of each node wins: CREATE then UPDATE is
 * one CREATE of the last record, CREATE then DELETE is nothing, DELETE then CREATE is an UPDATE,
 * UPDATE then DELETE is a DELETE). Within a run, creations and updates are delivered before
 * removals (each group in arrival order): per node the order is the backend's, and a listener
 * that fell behind catches up make-before-break, its view never smaller in between than at
 * either end (a replaced node is not an outage). A status change closes the run before it, so a
 * listener sees events and status changes in the order they happened; consecutive status changes
 * collapse to the latest. What waits is therefore bounded by the nodes of the prefix plus the
 * status changes not yet delivered, however slow the listener is.
 *
 * <p><b>Delivery</b> runs as one task at a time on the shared pool: at most one listener call of
 * a member is in progress, and calls happen in mailbox order; none starts once the user closed
 * its {@link #subscription() handle}.
 *
 * <p>Thread-safe.
 */
final class Member {

    private static final Logger LOG = LoggerFactory.getLogger(Member.class);

    private final WatchListener listener;
    private final Executor delivery;
    private final Consumer<Member> onClose;
    /** Segments waiting: a {@link WatchStatus}, or a {@link Run}. Guarded by {@code this}. */
    private final ArrayDeque<Object> mailbox = new ArrayDeque<>();
    private List<Service> snapshot;
    private boolean scheduled;
    /** The user's handle: closed (no further offers) by the user or ended by the feed; the status. */
    private final SubscriptionState state;

    Member(WatchListener listener, Executor delivery, Consumer<Member> onClose) {
        this.listener = listener;
        this.delivery = delivery;
        this.onClose = onClose;
        this.state = new SubscriptionState(WatchStatus.current(), LOG, "registry watch listener", this::leave);
    }

    /** What the user holds. */
    Subscription subscription() {
        return state;
    }

    /** Called by the feed, under its lock, when this member joins. */
    synchronized void start(List<Service> current, WatchStatus currentStatus) {
        snapshot = List.copyOf(current);
        state.status(currentStatus);
        schedule();
    }

    /** Called by the feed, under its lock, for each change of its view. */
    synchronized void offer(WatchEvent event) {
        if (state.isClosed()) {
            return;
        }
        Run run = mailbox.peekLast() instanceof Run last ? last : null;
        if (run == null) {
            run = new Run();
            mailbox.addLast(run);
        }
        run.add(event);
        schedule();
    }

    /** Called by the feed, under its lock, when its health changes. */
    synchronized void offer(WatchStatus next) {
        if (state.isClosed()) {
            return;
        }
        state.status(next);
        if (mailbox.peekLast() instanceof WatchStatus) {
            mailbox.pollLast();
        }
        mailbox.addLast(next);
        schedule();
    }

    /** The event a listener must see for {@code before} followed by {@code after}; null if they cancel. */
    static WatchEvent merge(WatchEvent before, WatchEvent after) {
        if (before == null) {
            return after;
        }
        WatchEvent.Type first = before.type();
        WatchEvent.Type second = after.type();
        if (second == WatchEvent.Type.DELETE) {
            return first == WatchEvent.Type.CREATE ? null : after;
        }
        if (first == WatchEvent.Type.CREATE) {
            return WatchEvent.create(after.service());
        }
        return WatchEvent.update(after.service());
    }

    private void schedule() {
        if (!scheduled && !state.isClosedByUser()) {
            scheduled = true;
            try {
                delivery.execute(this::drain);
            } catch (RejectedExecutionException shutDown) {
                scheduled = false;
            }
        }
    }

    /** One delivery turn: call the listener for what waits, one call at a time. */
    private void drain() {
        while (true) {
            Runnable call;
            synchronized (this) {
                call = state.isClosedByUser() ? null : nextCall();
                if (call == null) {
                    scheduled = false;
                    return;
                }
            }
            state.call(call);
        }
    }

    /** The next listener call, taken out of the mailbox; null if nothing waits. Holds the lock. */
    private Runnable nextCall() {
        if (snapshot != null) {
            List<Service> current = snapshot;
            snapshot = null;
            return () -> listener.onSnapshot(current);
        }
        Object head = mailbox.peekFirst();
        if (head == null) {
            return null;
        }
        if (head instanceof WatchStatus next) {
            mailbox.pollFirst();
            return () -> listener.onStatus(next);
        }
        WatchEvent event = ((Run) head).poll();
        if (event == null) {
            mailbox.pollFirst();
            return nextCall();
        }
        if (((Run) head).isEmpty()) {
            mailbox.pollFirst();
        }
        return () -> listener.onEvent(event);
    }

    /** Events coalesced per node: creations and updates, then removals, each in arrival order. */
    private static final class Run {
        private final LinkedHashMap<String, WatchEvent> upserts = new LinkedHashMap<>();
        private final LinkedHashMap<String, WatchEvent> deletes = new LinkedHashMap<>();

        void add(WatchEvent event) {
            String key = event.service().name() + '\0' + event.node().id();
            WatchEvent before = upserts.remove(key);
            if (before == null) {
                before = deletes.remove(key);
            }
            WatchEvent merged = merge(before, event);
            if (merged == null) {
                return;
            }
            (merged.type() == WatchEvent.Type.DELETE ? deletes : upserts).put(key, merged);
        }

        WatchEvent poll() {
            Map<String, WatchEvent> from = upserts.isEmpty() ? deletes : upserts;
            Iterator<WatchEvent> it = from.values().iterator();
            if (!it.hasNext()) {
                return null;
            }
            WatchEvent event = it.next();
            it.remove();
            return event;
        }

        boolean isEmpty() {
            return upserts.isEmpty() && deletes.isEmpty();
        }
    }

    /** The user closed an open subscription: nothing more is delivered, and the feed lets it go. */
    private void leave() {
        synchronized (this) {
            mailbox.clear();
        }
        onClose.accept(this);
    }

    /**
     * The registry closed under this subscription: the listener is told, with a last
     * {@link WatchStatus.State#STALE} status, that nothing will follow any more; no call after it.
     */
    synchronized void closedByOwner() {
        if (!state.end()) {
            return;
        }
        mailbox.clear();
        WatchStatus last = WatchStatus.of(WatchStatus.State.STALE,
                new io.microregistry.RegistryException("the registry was closed: this subscription ends"));
        state.status(last);
        mailbox.addLast(last);
        schedule();
    }
}
