package io.microregistry.config.store;

import io.microregistry.config.ConfigChange;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a {@link Follower} has for its listener and the listener has not taken yet. Every
 * change is kept, in order, while fewer than {@link #EXACT_LIMIT} calls wait; beyond that
 * the backlog is coalesced per key (a key keeps its first-pending position and only its
 * latest change — value, version or delete — stays), snapshot and status calls keep their
 * places. So a listener that stops reading holds at most
 * {@code max(EXACT_LIMIT, 2 × (keys followed + status calls))} pending calls, the same idea
 * as the registry's per-node mailbox in {@code SubscriptionHub}; a listener that keeps up sees
 * every change.
 *
 * <p>Thread-safe: one producer (the follower thread), one consumer (the delivery thread).
 */
final class ListenerMailbox {

    /** Pending calls up to which every change is delivered exactly. */
    static final int EXACT_LIMIT = 1024;

    private ArrayDeque<Object> order = new ArrayDeque<>();
    private final Consumer<ConfigChange> onChange;
    private int compactAt = EXACT_LIMIT;
    private boolean closed;

    ListenerMailbox(Consumer<ConfigChange> onChange) {
        this.onChange = onChange;
    }

    /** Queues a snapshot or status call; never coalesced (there is one per change of state). */
    synchronized void post(Runnable call) {
        add(call);
    }

    /** Queues {@code change}. */
    synchronized void postChange(ConfigChange change) {
        add(change);
    }

    private void add(Object item) {
        if (closed) {
            return;
        }
        order.add(item);
        if (order.size() > compactAt) {
            coalesce();
            // Doubling keeps coalescing amortised O(1) per change even when many keys are pending.
            compactAt = Math.max(EXACT_LIMIT, 2 * order.size());
        }
        notifyAll();
    }

    /** Keeps each key's latest change at that key's first position; other calls stay as they are. */
    private void coalesce() {
        Map<String, ConfigChange> latest = new HashMap<>();
        for (Object item : order) {
            if (item instanceof ConfigChange c) {
                latest.put(c.key(), c);
            }
        }
        ArrayDeque<Object> kept = new ArrayDeque<>(latest.size() + 16);
        for (Object item : order) {
            if (item instanceof ConfigChange c) {
                ConfigChange last = latest.remove(c.key());
                if (last != null) {
                    kept.add(last);
                }
            } else {
                kept.add(item);
            }
        }
        order = kept;
    }

    /** Blocks for the next call to make; null once closed. */
    synchronized Runnable take() throws InterruptedException {
        while (!closed && order.isEmpty()) {
            wait();
        }
        if (closed) {
            return null;
        }
        Object next = order.poll();
        if (order.size() < EXACT_LIMIT / 2) {
            compactAt = EXACT_LIMIT;
        }
        if (next instanceof ConfigChange c) {
            return () -> onChange.accept(c);
        }
        return (Runnable) next;
    }

    /** Calls waiting. */
    synchronized int size() {
        return order.size();
    }

    synchronized void close() {
        closed = true;
        order.clear();
        notifyAll();
    }
}
