package io.microregistry.config.store;

import io.microregistry.Backoff;
import io.microregistry.RegistryException;
import io.microregistry.WatchStatus;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.backend.SubscriptionState;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One subscription to a prefix of a {@link ConfigStore}, and the whole resume mechanism every
 * backend shares: it remembers the entries and the revision it has delivered, drops any
 * change at or below that revision (no repeats), turns a store's full listing into the
 * difference from what it has (no losses, on backends without history), and after every
 * break re-lists the prefix (one listing per reconnect: a wiped server's revisions cannot be
 * trusted) and re-opens the store's watch from the listing's revision, with backoff, forever,
 * until closed. Status changes are logged once each.
 *
 * <p>One daemon thread per follower applies store signals into a {@link ListenerMailbox}
 * (exact while the listener keeps up, coalesced per key once it falls far behind); a second
 * calls the listener from it, one call at a time, in order, so a slow listener never holds
 * back the store's watch nor grows memory without bound. Thread-safe.
 */
final class Follower {
    private static final Logger log = LoggerFactory.getLogger(Follower.class);
    private static final Object WAKE = new Object();

    private final ConfigStore store;
    private final String storePrefix;
    private final Predicate<String> matches;
    private final ConfigListener listener;
    private final String label;
    private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    /** The user's handle: closed, the status; the listener's failures. */
    private final SubscriptionState state;
    private final ListenerMailbox mailbox;
    private final Runnable onClose;

    // Touched only by the follower thread.
    private final Map<String, ConfigEntry> known = new TreeMap<>();
    private volatile long revision; // written only by the follower thread; volatile for appliedRevision()
    private boolean needListing;
    private int generation;

    private volatile StoreWatch watch;

    private record Signal(int generation, Object payload) {
    }

    private record Trouble(RegistryException cause) {
    }

    private record Current() {
    }

    private Follower(ConfigStore store, String storePrefix, Predicate<String> matches, ConfigListener listener,
                     String label, Runnable onClose) {
        this.store = store;
        this.storePrefix = storePrefix;
        this.matches = matches;
        this.listener = listener;
        this.label = label;
        this.onClose = onClose;
        this.state = new SubscriptionState(WatchStatus.current(), log, "config listener of " + label, this::release);
        this.mailbox = new ListenerMailbox(c -> listener.onChange(c));
    }

    /**
     * Reads the prefix now (throwing the store's exception if it cannot) and follows it from
     * there.
     */
    static Follower start(ConfigStore store, String storePrefix, Predicate<String> matches, ConfigListener listener,
                          String label, Runnable onClose) {
        Follower f = new Follower(store, storePrefix, matches, listener, label, onClose);
        StoreListing listing = store.list(storePrefix);
        for (ConfigEntry e : listing.entries()) {
            if (matches.test(e.key())) {
                f.known.put(e.key(), e);
            }
        }
        f.revision = listing.revision();
        f.launch();
        return f;
    }

    /**
     * Starts from {@code seed} (the last-known-good file) without a backend read, STALE with
     * {@code cause}, and catches up in the background.
     */
    static Follower startStale(ConfigStore store, String storePrefix, Predicate<String> matches,
                               ConfigListener listener, String label, List<ConfigEntry> seed,
                               RegistryException cause, Runnable onClose) {
        Follower f = new Follower(store, storePrefix, matches, listener, label, onClose);
        for (ConfigEntry e : seed) {
            if (matches.test(e.key())) {
                f.known.put(e.key(), e);
            }
        }
        f.needListing = true;
        f.state.status(WatchStatus.of(WatchStatus.State.STALE, cause));
        log.warn("Config {} on {} starts from its last-known-good file: the backend is unreachable ({})",
                label, store.name(), cause.getMessage());
        f.launch();
        return f;
    }

    private void launch() {
        new DaemonThreads("micro-config-follow").newThread(this::run).start();
        new DaemonThreads("micro-config-deliver").newThread(this::deliverLoop).start();
    }

    /** Calls the listener, so a slow listener never holds back the follower (see {@link ListenerMailbox}). */
    private void deliverLoop() {
        try {
            for (Runnable call = mailbox.take(); call != null; call = mailbox.take()) {
                deliver(call);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<ConfigEntry> snapshot = new ArrayList<>(known.values());
        mailbox.post(() -> listener.onSnapshot(snapshot));
        if (!state.status().isCurrent()) {
            WatchStatus s = state.status();
            mailbox.post(() -> listener.onStatus(s));
        }
        int attempt = 0;
        while (!state.isClosed()) {
            try {
                if (needListing) {
                    applyListing(store.list(storePrefix));
                    needListing = false;
                }
                int gen = ++generation;
                watch = store.watch(storePrefix, revision, new Sink(gen));
                if (state.isClosed()) {
                    watch.close();
                    return;
                }
                while (!state.isClosed()) {
                    Object next = inbox.take();
                    if (!(next instanceof Signal signal) || signal.generation != gen) {
                        continue;
                    }
                    if (signal.payload instanceof Trouble trouble) {
                        // Re-list after every break, not only when the store says its history is
                        // gone: a wiped server that keeps its identity (etcd keeps its cluster id)
                        // can have revisions past ours by the time we reconnect, and resuming after
                        // our revision would then skip changes without anyone knowing.
                        needListing = true;
                        markStale(trouble.cause);
                        watch.close();
                        break;
                    }
                    apply(signal.payload);
                    attempt = 0;
                }
            } catch (RegistryException e) {
                markStale(e);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                markStale(new RegistryException("config watch of " + label + " on " + store.name() + " failed", e));
            }
            if (state.isClosed()) {
                return;
            }
            try {
                inbox.poll(Backoff.DEFAULT.delay(attempt++).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void apply(Object payload) {
        if (payload instanceof Current) {
            markCurrent();
        } else if (payload instanceof StoreListing listing) {
            applyListing(listing);
            markCurrent();
        } else if (payload instanceof List<?> changes) {
            for (ConfigChange c : (List<ConfigChange>) changes) {
                if (c.revision() <= revision) {
                    continue; // already delivered: a resumed watch may replay its first revision
                }
                revision = c.revision();
                if (!matches.test(c.key())) {
                    continue;
                }
                if (c.type() == ConfigChange.Type.PUT) {
                    known.put(c.key(), c.entry().orElseThrow());
                } else if (known.remove(c.key()) == null) {
                    continue;
                }
                mailbox.postChange(c);
            }
        }
    }

    /** Emits the difference between what was delivered and {@code listing}, in revision order, deletes last. */
    private void applyListing(StoreListing listing) {
        Map<String, ConfigEntry> now = new TreeMap<>();
        for (ConfigEntry e : listing.entries()) {
            if (matches.test(e.key())) {
                now.put(e.key(), e);
            }
        }
        List<ConfigChange> changes = new ArrayList<>();
        for (ConfigEntry e : now.values()) {
            if (!sameAs(e, known.get(e.key()))) {
                changes.add(ConfigChange.put(e));
            }
        }
        changes.sort(Comparator.comparingLong(ConfigChange::revision));
        long at = Math.max(listing.revision(), revision);
        for (String key : known.keySet()) {
            if (!now.containsKey(key)) {
                changes.add(ConfigChange.delete(key, at));
            }
        }
        known.clear();
        known.putAll(now);
        // The listing is the truth, even when its revision is lower (a wiped server starts over).
        revision = listing.revision();
        for (ConfigChange c : changes) {
            mailbox.postChange(c);
        }
    }

    private void markStale(RegistryException cause) {
        if (state.status().state() == WatchStatus.State.STALE) {
            return;
        }
        WatchStatus s = WatchStatus.of(WatchStatus.State.STALE, cause);
        state.status(s);
        log.warn("Config watch of {} on {} lost the backend; serving the last good values and retrying: {}",
                label, store.name(), cause.getMessage());
        mailbox.post(() -> listener.onStatus(s));
    }

    private void markCurrent() {
        if (state.status().isCurrent()) {
            return;
        }
        WatchStatus s = WatchStatus.current();
        state.status(s);
        log.info("Config watch of {} on {} is current again", label, store.name());
        mailbox.post(() -> listener.onStatus(s));
    }

    private void deliver(Runnable call) {
        if (!state.isClosed()) {
            state.call(call);
        }
    }

    /** The store revision applied so far (for tests). */
    long appliedRevision() {
        return revision;
    }

    /** Listener calls waiting in the mailbox (for tests). */
    int pendingCalls() {
        return mailbox.size();
    }

    /** What the user holds. */
    ConfigSubscription subscription() {
        return state;
    }

    /** Same as closing {@link #subscription()}. */
    void close() {
        state.close();
    }

    /** Run once, by the close that found the subscription open. */
    private void release() {
        StoreWatch w = watch;
        if (w != null) {
            w.close();
        }
        inbox.add(WAKE);
        mailbox.close();
        onClose.run();
    }

    /** Where the store delivers; only enqueues, so it never blocks a store thread. */
    private final class Sink implements StoreWatchListener {
        private final int gen;

        Sink(int gen) {
            this.gen = gen;
        }

        @Override
        public void onChanges(List<ConfigChange> changes) {
            inbox.add(new Signal(gen, List.copyOf(changes)));
        }

        @Override
        public void onListing(StoreListing listing) {
            inbox.add(new Signal(gen, listing));
        }

        @Override
        public void onCurrent() {
            inbox.add(new Signal(gen, new Current()));
        }

        @Override
        public void onTrouble(RegistryException cause) {
            inbox.add(new Signal(gen, new Trouble(cause)));
        }
    }


    /** Whether {@code b} holds exactly {@code a}'s bytes at {@code a}'s version (a resync found nothing new). */
    private static boolean sameAs(ConfigEntry a, ConfigEntry b) {
        return b != null && a.version() == b.version() && java.util.Arrays.equals(a.value(), b.value());
    }
}
