package io.microregistry.soak;

import io.microregistry.Registry;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Service;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An open subscription to the soak's service and the view it builds from its snapshot and
 * events: what a watching application would believe. Thread-safe.
 */
final class SubscribedView implements WatchListener, AutoCloseable {
    private final Map<String, String> nodes = new ConcurrentHashMap<>();
    private volatile Subscription subscription;

    private SubscribedView() {
    }

    static SubscribedView open(Registry registry, String service) {
        SubscribedView view = new SubscribedView();
        view.subscription = registry.subscribe(WatchOptions.service(service), view);
        return view;
    }

    @Override
    public void onSnapshot(List<Service> current) {
        nodes.clear();
        nodes.putAll(Snapshot.of(current));
    }

    @Override
    public void onEvent(WatchEvent event) {
        if (event.type() == WatchEvent.Type.DELETE) {
            nodes.remove(event.node().id());
        } else {
            nodes.put(event.node().id(), event.node().metadata().getOrDefault("gen", "?"));
        }
    }

    /** The view now, sorted by node id. */
    Map<String, String> current() {
        return new TreeMap<>(nodes);
    }

    WatchStatus status() {
        return subscription.status();
    }

    boolean closed() {
        return subscription.isClosed();
    }

    @Override
    public void close() {
        subscription.close();
    }
}
