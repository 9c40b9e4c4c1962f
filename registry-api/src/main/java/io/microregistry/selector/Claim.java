package io.microregistry.selector;

import io.microregistry.Node;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The {@link Selection} handed out by {@link SnapshotSelector#acquire}: completes once. */
final class Claim implements Selection {

    /** A field updater rather than an AtomicBoolean: one object per call instead of two. */
    private static final AtomicIntegerFieldUpdater<Claim> COMPLETED =
            AtomicIntegerFieldUpdater.newUpdater(Claim.class, "completed");

    private final SnapshotSelector selector;
    private final ServiceBalance service;
    private final Node node;
    private final NodeHealth health;
    /** 0 while open, 1 once completed. */
    private volatile int completed;

    Claim(SnapshotSelector selector, ServiceBalance service, Node node, NodeHealth health) {
        this.selector = selector;
        this.service = service;
        this.node = node;
        this.health = health;
    }

    @Override
    public String service() {
        return service.name;
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public void success() {
        complete("success");
        selector.succeeded(health);
    }

    @Override
    public void failure() {
        complete("failure");
        selector.failed(service, health);
    }

    @Override
    public boolean isCompleted() {
        return completed != 0;
    }

    @Override
    public void close() {
        if (COMPLETED.compareAndSet(this, 0, 1)) {
            health.inFlight.decrementAndGet();
        }
    }

    private void complete(String outcome) {
        if (!COMPLETED.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException("selection of node '" + node.id() + "' of service '" + service.name
                    + "' is already completed; cannot report " + outcome + " again");
        }
        health.inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return "Selection[" + service.name + "/" + node.id() + (completed != 0 ? ", completed]" : "]");
    }
}
