package io.microregistry.backend;

import io.microregistry.Backoff;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.internal.VersionGrouping;
import io.microregistry.metrics.RegistryObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * One prefix of a {@link SubscriptionHub}: its push watch, the view it keeps (node to record) and
 * its subscribers. The watch pushes each event on the backend's own thread; the feed applies it to
 * the view and hands it to every member under the view's lock (members only queue, never block),
 * so a member joining gets the view and then exactly the changes after it. There is no thread per
 * feed: a store pushes; a thread runs only while a broken watch is being re-opened.
 *
 * <p><b>Opening and re-opening.</b> The watch is opened first, then the prefix read; what the watch
 * pushes meanwhile waits, and is applied on top of the read once the read's difference to the
 * view has been delivered. A watch that breaks is re-opened the same way with
 * {@link Backoff#DEFAULT backoff} (RESYNCING, then STALE while re-opening fails, then CURRENT).
 * Each watch gets a sink of its own, so a late push from a watch already replaced is ignored.
 *
 * <p>Thread-safe.
 */
final class Feed {

    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);

    private final Registry registry;
    private final WatchSource source;
    private final WatchOptions options;
    private final RegistryObserver observer;
    private final DaemonThreads threads;
    private final Consumer<Feed> onEmpty;
    /** Node key (service name, NUL, node id) to that node's record; guarded by {@code this}. */
    private final Map<String, Service> view = new HashMap<>();
    private final Set<Member> members = new CopyOnWriteArraySet<>();
    /** The sink of the watch in use, null while re-opening; guarded by {@code this}. */
    private Sink current;
    private PrefixWatch watch;
    private volatile boolean closed;
    private volatile WatchStatus status = WatchStatus.current();

    private Feed(Registry registry, WatchSource source, WatchOptions options, RegistryObserver observer,
                 DaemonThreads threads, Consumer<Feed> onEmpty) {
        this.registry = registry;
        this.source = source;
        this.options = options;
        this.observer = observer;
        this.threads = threads;
        this.onEmpty = onEmpty;
    }

    /** Opens the watch and reads the prefix. Blocks; throws what the backend throws. */
    static Feed open(Registry registry, WatchSource source, WatchOptions options, RegistryObserver observer,
                     DaemonThreads threads, Consumer<Feed> onEmpty) {
        Feed feed = new Feed(registry, source, options, observer, threads, onEmpty);
        feed.connect();
        return feed;
    }

    Optional<String> prefix() {
        return options.service();
    }

    private String describe() {
        return options.service().map(name -> "service '" + name + "'").orElse("all services");
    }

    synchronized void join(Member member) {
        members.add(member);
        member.start(VersionGrouping.group(view.values()), status);
    }

    void leave(Member member) {
        boolean empty;
        synchronized (this) {
            members.remove(member);
            empty = members.isEmpty();
        }
        if (empty) {
            onEmpty.accept(this);
            close();
        }
    }

    void close() {
        PrefixWatch open;
        synchronized (this) {
            closed = true;
            current = null;
            open = watch;
            watch = null;
        }
        if (open != null) {
            open.close();
        }
        members.forEach(Member::closedByOwner);
        members.clear();
    }

    private List<Service> read() {
        return options.service().isPresent() ? registry.getService(options.service().get()) : registry.listServices();
    }

    private static String key(Service record) {
        return record.name() + '\0' + record.nodes().get(0).id();
    }

    private static Map<String, Service> records(List<Service> versions) {
        Map<String, Service> records = new HashMap<>();
        for (Service version : versions) {
            for (Node node : version.nodes()) {
                Service record = version.withNode(node);
                records.put(key(record), record);
            }
        }
        return records;
    }

    /**
     * Opens a watch, reads the prefix, delivers the read's difference to the view, marks the feed
     * CURRENT and then applies what the watch pushed meanwhile. Blocks; throws what the backend throws.
     */
    private void connect() {
        Sink sink = new Sink();
        synchronized (this) {
            current = sink;
        }
        PrefixWatch opened = source.open(options, sink);
        Map<String, Service> now;
        try {
            now = records(read());
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        // Watches are closed only after the lock is released: a store's push may be waiting for
        // this lock while holding one of its own that its close() needs.
        PrefixWatch toClose = opened;
        synchronized (this) {
            if (!closed && current == sink) {
                toClose = null;
                watch = opened;
                for (WatchEvent event : SnapshotDiff.diff(new HashMap<>(view), now)) {
                    apply(event);
                }
                status(WatchStatus.current());
                List<Object> pushed = sink.pending;
                sink.pending = null;
                for (Object item : pushed) {
                    PrefixWatch broken = sink.take(item);
                    toClose = broken != null ? broken : toClose;
                }
            }
        }
        if (toClose != null) {
            toClose.close();
        }
    }

    /**
     * Applies one event to the view and passes it on, unless it changes nothing (a push that the
     * read already held). The type is normalised to the view: a node this view did not have is a CREATE.
     */
    private synchronized void apply(WatchEvent event) {
        if (!options.matches(event.service().name())) {
            return;
        }
        String key = key(event.service());
        WatchEvent passed;
        if (event.type() == WatchEvent.Type.DELETE) {
            Service old = view.remove(key);
            if (old == null) {
                return;
            }
            passed = event;
        } else {
            Service old = view.put(key, event.service());
            if (event.service().equals(old)) {
                return;
            }
            passed = old == null ? WatchEvent.create(event.service()) : WatchEvent.update(event.service());
        }
        for (Member member : members) {
            member.offer(passed);
        }
    }

    private synchronized void status(WatchStatus next) {
        WatchStatus before = status;
        if (before.state() == next.state()) {
            return;
        }
        status = next;
        observer.watchStatusChanged(options.service(), next.state());
        if (next.isCurrent()) {
            LOG.info("watch of {} is current again after {} ms", describe(),
                    Duration.between(before.since(), next.since()).toMillis());
        } else {
            LOG.warn("watch of {} is {}: {}", describe(), next.state(),
                    next.cause().map(Throwable::toString).orElse("no cause given"));
        }
        for (Member member : members) {
            member.offer(next);
        }
    }

    /**
     * Under the lock: the watch in use broke; marks the feed RESYNCING, starts re-opening it on a
     * thread and returns the broken watch, for the caller to close once it released the lock.
     */
    private PrefixWatch broke(RegistryException cause) {
        current = null;
        PrefixWatch broken = watch;
        watch = null;
        status(WatchStatus.of(WatchStatus.State.RESYNCING, cause));
        threads.newThread(this::reopen).start();
        return broken;
    }

    /** Re-opens the watch and re-reads until both work, delivering the difference; gives up once closed. */
    private void reopen() {
        for (int attempt = 0; !closed; attempt++) {
            try {
                Thread.sleep(Backoff.DEFAULT.delay(attempt).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                connect();
                observer.watchResync(options.service(), true);
                return;
            } catch (IllegalStateException registryClosed) {
                if (!closed) {
                    status(WatchStatus.of(WatchStatus.State.STALE, failure("the registry was closed", registryClosed)));
                }
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                observer.watchResync(options.service(), false);
                status(WatchStatus.of(WatchStatus.State.STALE, failure("re-open failed", e)));
            }
        }
    }

    private RegistryException failure(String what, RuntimeException cause) {
        return cause instanceof RegistryException registryFailure ? registryFailure
                : new RegistryUnavailableException(what + " for " + describe() + ": " + cause.getMessage(), cause);
    }

    /** Where one watch of this feed pushes; ignored once that watch is no longer the feed's. */
    private final class Sink implements WatchSink {
        /** What the watch pushed while the prefix was being read; null once connected. Guarded by the feed. */
        List<Object> pending = new ArrayList<>();

        @Override
        public void event(WatchEvent event) {
            push(event);
        }

        @Override
        public void status(WatchStatus status) {
            push(status);
        }

        @Override
        public void broken(RegistryException cause) {
            push(cause);
        }

        private void push(Object item) {
            PrefixWatch broken;
            synchronized (Feed.this) {
                if (closed || current != this) {
                    return;
                }
                if (pending != null) {
                    pending.add(item);
                    return;
                }
                broken = take(item);
            }
            if (broken != null) {
                broken.close();
            }
        }

        /** Under the feed's lock; returns the watch to close (outside the lock) if it broke. */
        PrefixWatch take(Object item) {
            if (current != this) {
                return null;
            }
            if (item instanceof WatchEvent event) {
                apply(event);
            } else if (item instanceof WatchStatus next) {
                Feed.this.status(next);
            } else {
                return broke((RegistryException) item);
            }
            return null;
        }
    }
}
