package io.microregistry.selector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a selector knows about one node from its callers' feedback. Lives as long as the node
 * is in the service (across snapshots), so a change elsewhere in the service does not wipe it.
 *
 * <p>Thread-safe: plain atomics, no locks.
 */
final class NodeHealth {

    /** {@link #ejectedUntil} when the node is not ejected. */
    static final long NOT_EJECTED = Long.MIN_VALUE;

    final String nodeId;
    /** Calls handed out by {@code acquire} and not completed yet. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Failures since the last success or ejection. */
    final AtomicInteger failures = new AtomicInteger();
    /** Ejections since the last success: grows the next ejection's period. */
    final AtomicInteger ejections = new AtomicInteger();
    /** {@link System#nanoTime()} at which the current ejection ends, or {@link #NOT_EJECTED}. */
    final AtomicLong ejectedUntil = new AtomicLong(NOT_EJECTED);
    /** Set once the node has left the service: feedback that arrives late is ignored. */
    volatile boolean retired;

    NodeHealth(String nodeId) {
        this.nodeId = nodeId;
    }
}
