package io.microregistry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * What the two followers of an etcd prefix share (the registry's {@link EtcdWatch} and the gRPC
 * {@link EtcdGrpcNameResolver}): which jetcd watcher is current and whether the follower has
 * stopped. Every re-read starts a new generation; jetcd callbacks and scheduled re-reads carry
 * the generation they were made for and are ignored once it has passed, so a replaced or closed
 * watcher can never apply anything.
 *
 * <p>Guarded by the owner's lock, given at construction, so that the owner checks a generation
 * and changes its own view in one critical section. Watchers are closed outside that lock:
 * closing calls back into the owner's listener, which must not run under it while jetcd holds
 * its own.
 */
final class WatchGeneration {

    private final Object lock;
    // Guarded by lock.
    private long generation;
    private boolean stopped;
    private Watch.Watcher current;

    /** @param lock the owner's lock, which guards this too */
    WatchGeneration(Object lock) {
        this.lock = lock;
    }

    /** The current generation. */
    long current() {
        synchronized (lock) {
            return generation;
        }
    }

    /** Starts a new generation and returns it; callbacks of the older ones are ignored from now on. */
    long next() {
        synchronized (lock) {
            return ++generation;
        }
    }

    /** Whether {@code expected} is still the generation of a follower that has not stopped. */
    boolean isLive(long expected) {
        synchronized (lock) {
            return !stopped && expected == generation;
        }
    }

    boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    /**
     * Makes {@code watcher}, opened for generation {@code expected}, the current one; false if
     * that generation has passed meanwhile (the caller closes the watcher, outside the lock).
     */
    boolean adopt(long expected, Watch.Watcher watcher) {
        synchronized (lock) {
            if (stopped || expected != generation) {
                return false;
            }
            current = watcher;
            return true;
        }
    }

    /**
     * Starts a new generation and lets go of the current watcher, returned (or null) for the
     * caller to close outside the lock, unless it has ended by itself.
     */
    Watch.Watcher abandon() {
        synchronized (lock) {
            generation++;
            Watch.Watcher watcher = current;
            current = null;
            return watcher;
        }
    }

    /** Stops the follower for good: nothing of any generation is applied any more. Idempotent. */
    void stop() {
        Watch.Watcher watcher = halt();
        if (watcher != null) {
            watcher.close();
        }
    }

    /**
     * {@link #stop()} without closing: stops the follower for good and returns the current
     * watcher (or null) for the caller to close outside the lock, when and where it can.
     * Idempotent (a second call returns null).
     */
    Watch.Watcher halt() {
        synchronized (lock) {
            stopped = true;
            return abandon();
        }
    }

    /**
     * Runs {@code task} after {@code delayMillis} on {@code timer}; a timer that refuses is
     * shutting down with the follower's owner, which stops the follower too.
     */
    static void schedule(ScheduledExecutorService timer, Runnable task, long delayMillis) {
        try {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // Nothing to follow any more.
        }
    }

    /**
     * Hands {@code apply} each event of {@code response} changed after revision {@code floor}, in
     * order, with its key as text; returns the highest revision seen (at least {@code floor}).
     * Events of one transaction share a revision, so the floor is the revision before the batch,
     * not the one of the event before: a resumed watch may replay what a read already held.
     */
    static long applyAfter(WatchResponse response, long floor, BiConsumer<WatchEvent, String> apply) {
        long revision = floor;
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            if (kv.getModRevision() <= floor) {
                continue;
            }
            apply.accept(event, EtcdKeys.text(kv.getKey()));
            revision = Math.max(revision, kv.getModRevision());
        }
        return revision;
    }
}
