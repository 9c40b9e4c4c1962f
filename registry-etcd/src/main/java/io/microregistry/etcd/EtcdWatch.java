package io.microregistry.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.SnapshotDiff;
import io.microregistry.backend.WatchSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The store's push watch of one etcd prefix ({@link io.microregistry.backend.RegistryStore#watch}),
 * with no gaps and no spurious events.
 *
 * <p>It reads the prefix, then watches from that revision + 1 with previous values, so
 * every change committed after {@link #start()} returns is pushed to its {@link WatchSink}, in
 * revision order, every event of a response batch included. It keeps its own view of the
 * records: a put whose record equals the known one (a keep-alive re-put, a re-registration with
 * the same content) pushes nothing; a DELETE carries the last known record. jetcd re-creates a stream broken by
 * a transient error on its own, but its revision cannot be trusted: a wiped etcd keeps its
 * cluster id and starts its revisions over. So after any interruption, and whenever jetcd gives
 * up (compaction, a halting error, the stream ending), this watch re-reads the prefix, emits the
 * difference between its view and what it read, and watches again from the new revision,
 * with backoff, until it is closed. An {@code onError} from jetcd is a notice, never the end, so
 * it never pushes {@link WatchSink#broken}.
 *
 * <p>It is never quietly stale: it pushes {@link WatchSink#status} on each change of state,
 * RESYNCING while it re-reads after a break, STALE (with the cause) once
 * {@value #STALE_AFTER_ATTEMPTS} attempts in a row failed, and CURRENT again once it watches;
 * each change of state is logged once. It starts CURRENT without pushing it. Re-reads are paged
 * ({@link EtcdCalls#getPrefix}), so a prefix larger than one gRPC message resyncs.
 *
 * <p><b>Threading.</b> Thread-safe. jetcd callbacks (on jetcd's threads) and re-reads (on the
 * store's scheduler) do only in-memory work under the lock, and every etcd call is made without
 * it. Each change to the view or the status queues what it pushes, under the lock and so in the
 * order the changes happened; the queue is then delivered outside every lock of this watch, by
 * one thread at a time (whichever queued into an idle queue), so the sink gets events and
 * statuses in order, never two at once, from the thread of a jetcd callback or of the scheduler.
 * Pushing outside the lock matters: the sink takes the core's locks, and the core may
 * {@link #close()} a watch under them; jetcd, in turn, calls {@code onError} under its client-wide
 * lock, which is why this watch closes its jetcd watcher on the scheduler, not in {@link #close()}.
 *
 * <p><b>Closing.</b> {@link #close()} never blocks on the sink or on etcd: it stops the watch,
 * drops what is still queued and closes the jetcd watcher on the scheduler. Nothing is pushed
 * once it has returned, except a push that another thread had already begun (the core ignores
 * what a closed watch's sink gets).
 */
final class EtcdWatch implements PrefixWatch {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);

    /** What identifies one node's record across views: its key and the name inside it. */
    private record Slot(String key, String name) {
    }

    private final EtcdCalls calls;
    private final RecordDecoder decoder;
    private final ScheduledExecutorService scheduler;
    private final Backoff backoff;
    private final String prefix;
    private final WatchSink sink;

    /** Failed resync attempts in a row after which the watch says STALE rather than RESYNCING. */
    static final int STALE_AFTER_ATTEMPTS = 3;

    private final Object lock = new Object();
    // Guarded by lock.
    private Map<String, Service> known = new HashMap<>();
    private long revision;
    /** The etcd cluster the view was read from; another one (data wiped) has unrelated revisions. */
    private long clusterId;
    /** Which jetcd watcher is current; callbacks of older ones are ignored. */
    private final WatchGeneration generation = new WatchGeneration(lock);
    private boolean interrupted;
    /** Whether the last attempt to open a jetcd watcher failed: log only the first of a series. */
    private boolean openFailing;
    /** Whether the view follows etcd; written under {@code lock}, read without it. */
    private volatile WatchStatus status = WatchStatus.current();
    /** What is to be pushed (a {@link WatchEvent} or a {@link WatchStatus}), in order; guarded by lock. */
    private final ArrayDeque<Object> outbox = new ArrayDeque<>();
    /** Whether a thread is delivering the outbox; guarded by lock. */
    private boolean delivering;
    /** Set once by {@link #close()}; nothing is pushed after. */
    private volatile boolean closed;

    /** The key layout whose records this watch decodes. */
    private final EtcdKeys layout;

    EtcdWatch(EtcdCalls calls, RecordDecoder decoder, ScheduledExecutorService scheduler, Backoff backoff,
              WatchOptions options, EtcdKeys layout, WatchSink sink) {
        this.calls = calls;
        this.layout = layout;
        this.decoder = decoder;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.prefix = options.service().map(layout::watchPrefix).orElse(layout.root());
        this.sink = sink;
    }

    /** Moves to {@code state} and pushes it; logs once per change of state, never per attempt. */
    private void status(WatchStatus.State state, RegistryException cause) {
        WatchStatus before;
        synchronized (lock) {
            before = status;
            if (before.state() == state || generation.isStopped()) {
                return;
            }
            setStatus(WatchStatus.of(state, state == WatchStatus.State.CURRENT ? null : cause));
        }
        if (state == WatchStatus.State.CURRENT) {
            LOG.info("etcd watch on {} is CURRENT again (was {} since {})", prefix, before.state(), before.since());
        } else {
            LOG.warn("etcd watch on {} is {}: {}", prefix, state, cause == null ? "no cause" : cause.getMessage());
        }
        deliver();
    }

    /** Under the lock: makes {@code next} the status, queueing it for the sink if its state changed. */
    private void setStatus(WatchStatus next) {
        WatchStatus before = status;
        status = next;
        if (before.state() != next.state()) {
            push(next);
        }
    }

    /** Under the lock: queues an event or a status for the sink, in order; {@link #deliver()} pushes it. */
    private void push(Object item) {
        if (!closed) {
            outbox.add(item);
        }
    }

    /**
     * Pushes what is queued, in order, unless another thread is at it (which then pushes this
     * caller's items too). Called without the lock, after every critical section that queued.
     */
    private void deliver() {
        assert !Thread.holdsLock(lock) : "pushing under the watch's lock";
        synchronized (lock) {
            if (delivering) {
                return;
            }
            delivering = true;
        }
        while (true) {
            Object item;
            synchronized (lock) {
                item = closed ? null : outbox.poll();
                if (item == null) {
                    delivering = false;
                    return;
                }
            }
            try {
                if (closed) {
                    continue;
                }
                if (item instanceof WatchEvent event) {
                    sink.event(event);
                } else {
                    sink.status((WatchStatus) item);
                }
            } catch (RuntimeException e) {
                // The core's sinks do not throw; if one did, the next push must still happen.
                LOG.warn("etcd watch on {}: the sink refused {}", prefix, item, e);
            }
        }
    }

    private RegistryException cause(Throwable t, String what) {
        return t instanceof RegistryException r ? r
                : new RegistryUnavailableException("etcd watch on " + prefix + " " + what + ": " + t, t);
    }

    /**
     * Reads the prefix and starts watching after it. Returns once every later change will be
     * delivered.
     *
     * @throws RegistryException if etcd could not be read
     */
    void start() {
        PrefixRead snapshot = calls.getPrefix(prefix, "watch " + prefix);
        long myEpoch;
        long from;
        synchronized (lock) {
            known = view(snapshot);
            revision = snapshot.revision();
            clusterId = snapshot.clusterId();
            myEpoch = generation.next();
            from = revision + 1;
        }
        open(myEpoch, from, 0);
    }

    /**
     * Stops watching: nothing more is pushed, what is still queued is dropped, and the jetcd
     * watcher is closed on the scheduler (jetcd closes it under its client-wide lock, which a
     * caller holding the core's locks must not wait for). Idempotent, non-blocking.
     */
    @Override
    public void close() {
        Watch.Watcher watcher;
        synchronized (lock) {
            closed = true;
            outbox.clear();
            watcher = generation.halt();
        }
        if (watcher != null) {
            closeOnScheduler(watcher);
        }
    }

    /** Closes {@code watcher} from the scheduler, or here if the scheduler is shutting down. */
    private void closeOnScheduler(Watch.Watcher watcher) {
        try {
            scheduler.execute(watcher::close);
        } catch (RejectedExecutionException closing) {
            watcher.close();
        }
    }

    /**
     * Opens the jetcd watcher from {@code fromRevision}. If jetcd refuses while this watch is
     * still current, resynchronises with backoff instead of leaving the watch open but dead.
     */
    private void open(long myEpoch, long fromRevision, int attempt) {
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(fromRevision)
                .withPrevKV(true)
                // Tells us when jetcd has re-created the stream after an interruption.
                .withCreateNotify(true)
                .build();
        Watch.Watcher watcher;
        try {
            // jetcd's callbacks for this generation: the calls of a watcher replaced since are ignored.
            watcher = calls.client().getWatchClient().watch(EtcdKeys.bytes(prefix), option, Watch.listener(
                    response -> apply(myEpoch, response), error -> onError(myEpoch, error), () -> onCompleted(myEpoch)));
        } catch (RuntimeException e) {
            boolean firstFailure;
            synchronized (lock) {
                if (!generation.isLive(myEpoch)) {
                    // Usually the client closing, which stops this watch too; or a newer watcher took over.
                    LOG.debug("cannot open etcd watch on {}: {}", prefix, e.getMessage());
                    return;
                }
                // Nothing else would ever open it again: re-read and retry (which re-opens) with backoff.
                generation.next();
                firstFailure = !openFailing;
                openFailing = true;
            }
            if (firstFailure) {
                LOG.warn("cannot open etcd watch on {}, re-reading and retrying with backoff", prefix, e);
            }
            status(attempt + 1 >= STALE_AFTER_ATTEMPTS ? WatchStatus.State.STALE : WatchStatus.State.RESYNCING,
                    cause(e, "cannot be opened"));
            schedule(attempt + 1, backoff.delay(attempt).toMillis());
            return;
        }
        boolean stale;
        synchronized (lock) {
            stale = !generation.adopt(myEpoch, watcher);
            if (!stale) {
                if (openFailing) {
                    openFailing = false;
                    LOG.info("etcd watch on {} open again from revision {}", prefix, fromRevision);
                }
            }
        }
        if (stale) {
            watcher.close();
        } else {
            status(WatchStatus.State.CURRENT, null);
        }
    }

    /** Queues a batch of events, in order, skipping what this view already holds, and pushes them. */
    private void apply(long myEpoch, WatchResponse response) {
        synchronized (lock) {
            applyLocked(myEpoch, response);
        }
        deliver();
    }

    /** Under the lock: {@link #apply}. */
    private void applyLocked(long myEpoch, WatchResponse response) {
        if (!generation.isLive(myEpoch)) {
            return;
        }
        long cluster = response.getHeader().getClusterId();
        long serverRevision = response.getHeader().getRevision();
        if (serverRevision != 0 && serverRevision < revision
                || cluster != 0 && clusterId != 0 && cluster != clusterId) {
            // The store went backwards or is another cluster: etcd lost its data (restored or
            // wiped). Its revisions say nothing about ours, so resuming by revision could skip
            // changes; re-read instead.
            LOG.warn("etcd watch on {} sees revision {} of cluster {} after revision {} of cluster {}: etcd lost "
                    + "its data; re-reading", prefix, serverRevision, Long.toHexString(cluster), revision,
                    Long.toHexString(clusterId));
            abandonCurrent("etcd at " + calls.endpoints() + " lost its data; re-reading " + prefix);
            return;
        }
        if (interrupted) {
            // The first answer after jetcd re-created the stream. A wiped etcd keeps its cluster
            // id and starts its revisions over; once its new history has passed our revision,
            // nothing here tells it from the server we left, and resuming by revision would skip
            // every change made early in that history while saying CURRENT. So after any
            // interruption re-read the prefix and diff it against the view (one paged read per
            // reconnect), as the gRPC resolver does.
            interrupted = false;
            LOG.info("etcd watch on {} reconnected; re-reading to resynchronise by content", prefix);
            abandonCurrent("etcd watch on " + prefix + " reconnected; re-reading it");
            return;
        }
        revision = WatchGeneration.applyAfter(response, revision, (event, key) -> {
            switch (event.getEventType()) {
                case PUT -> {
                    Optional<Service> record = layout.record(decoder, event.getKeyValue());
                    Service old = record.isPresent() ? known.put(key, record.get()) : known.remove(key);
                    emit(old, record.orElse(null));
                }
                case DELETE -> emit(known.remove(key), null);
                default -> {
                    // Unknown event types carry nothing we can deliver.
                }
            }
        });
    }

    /** Under the lock: queues the events that lead from {@code old} to {@code now} at one key; either may be null. */
    private void emit(Service old, Service now) {
        if (old != null && now != null && old.name().equals(now.name())) {
            if (!old.equals(now)) {
                push(WatchEvent.update(now));
            }
            return;
        }
        if (old != null) {
            push(WatchEvent.delete(old));
        }
        if (now != null) {
            push(WatchEvent.create(now));
        }
    }

    private void onError(long myEpoch, Throwable error) {
        boolean first;
        synchronized (lock) {
            if (!generation.isLive(myEpoch)) {
                return;
            }
            first = !interrupted;
            interrupted = true;
        }
        RegistryException cause = cause(EtcdErrors.unwrap(error), "interrupted");
        if (first) {
            LOG.info("etcd watch on {} interrupted ({}); resuming", prefix, EtcdErrors.unwrap(error).getMessage());
            status(WatchStatus.State.RESYNCING, cause);
        } else {
            // jetcd keeps retrying; once that has lasted longer than a call may, the view is stale.
            WatchStatus now = status;
            if (now.state() == WatchStatus.State.RESYNCING
                    && now.since().plus(calls.timeout()).isBefore(java.time.Instant.now())) {
                status(WatchStatus.State.STALE, cause);
            }
        }
    }

    private void onCompleted(long myEpoch) {
        synchronized (lock) {
            if (!generation.isLive(myEpoch)) {
                return;
            }
            // Invalidate the finished watcher now, so nothing it might still say is applied.
            generation.abandon();
        }
        LOG.warn("etcd watch on {} ended (compaction or a non-retryable error); re-reading and resuming", prefix);
        status(WatchStatus.State.RESYNCING, new RegistryUnavailableException("etcd ended the watch on " + prefix
                + " (compaction or a non-retryable error)", null));
        schedule(0, 0);
    }

    /**
     * Drops the current jetcd watcher and resynchronises, RESYNCING for {@code why} (queued for
     * the sink if the state changes; the caller delivers it once out of the lock). Holds the lock.
     */
    private void abandonCurrent(String why) {
        Watch.Watcher watcher = generation.abandon();
        setStatus(WatchStatus.of(WatchStatus.State.RESYNCING, new RegistryUnavailableException(why, null)));
        // Closing calls back into our listener, which must not run under our lock on this thread's
        // stack while jetcd holds its own: close it from the scheduler.
        if (watcher != null) {
            closeOnScheduler(watcher);
        }
        schedule(0, 0);
    }

    private void resync(int attempt) {
        if (generation.isStopped()) {
            return;
        }
        PrefixRead snapshot;
        try {
            snapshot = calls.getPrefix(prefix, "re-read " + prefix + " for a watch");
        } catch (RuntimeException e) {
            retry(attempt, e);
            return;
        }
        try {
            replaceView(snapshot, attempt);
        } catch (RuntimeException e) {
            // Not only RegistryException: anything escaping here would end in the scheduler's
            // future, unseen, and this watch would never deliver again.
            retry(attempt, e);
        }
    }

    /** Schedules the next resync after a failed one; logs the first failure of a series. */
    private void retry(int attempt, RuntimeException e) {
        if (generation.isStopped()) {
            return;
        }
        status(attempt + 1 >= STALE_AFTER_ATTEMPTS ? WatchStatus.State.STALE : WatchStatus.State.RESYNCING,
                cause(e, "cannot re-read"));
        if (attempt == 0) {
            if (e instanceof RegistryException) {
                LOG.warn("etcd watch on {} cannot re-read yet, retrying with backoff: {}", prefix, e.getMessage());
            } else {
                LOG.warn("etcd watch on {} failed to resynchronise unexpectedly, retrying with backoff", prefix, e);
            }
        }
        schedule(attempt + 1, backoff.delay(attempt).toMillis());
    }

    /** Replaces the view with {@code snapshot}, pushing the difference, and watches after it. */
    private void replaceView(PrefixRead snapshot, int attempt) {
        long myEpoch;
        long from;
        synchronized (lock) {
            if (generation.isStopped()) {
                return;
            }
            Map<String, Service> now = view(snapshot);
            List<WatchEvent> events = SnapshotDiff.diff(slots(known), slots(now));
            events.forEach(this::push);
            known = now;
            revision = snapshot.revision();
            clusterId = snapshot.clusterId();
            myEpoch = generation.next();
            from = revision + 1;
            LOG.info("etcd watch on {} resynchronised at revision {} ({} changes while not watching)", prefix,
                    revision, events.size());
        }
        deliver();
        open(myEpoch, from, attempt);
    }

    private void schedule(int attempt, long delayMillis) {
        WatchGeneration.schedule(scheduler, () -> resync(attempt), delayMillis);
    }

    private Map<String, Service> view(PrefixRead response) {
        Map<String, Service> view = new HashMap<>();
        for (KeyValue kv : response.kvs()) {
            layout.record(decoder, kv).ifPresent(record -> view.put(EtcdKeys.text(kv.getKey()), record));
        }
        return view;
    }

    private static Map<Slot, Service> slots(Map<String, Service> view) {
        Map<Slot, Service> slots = new HashMap<>();
        view.forEach((key, record) -> slots.put(new Slot(key, record.name()), record));
        return slots;
    }
}
