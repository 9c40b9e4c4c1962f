package io.microregistry.zookeeper;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.EventQueue;
import io.microregistry.backend.RecordDecoder;
import io.microregistry.backend.SnapshotDiff;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One watcher: a {@link CuratorCache} over the registry subtree (or one service's directory),
 * whose changes are turned into per-node watch events.
 *
 * <p>The cache keeps a persistent recursive ZooKeeper watch and, after every reconnect or new
 * session, re-reads what it holds and the directories whose children changed; it reports each
 * znode that differs. This class keeps the last record it reported per znode and per node and
 * emits, through {@link SnapshotDiff}, only the difference to the new record: a re-read that
 * finds the same content, a keep-alive, or a version bump with equal JSON emits nothing;
 * a node that vanished while disconnected is a DELETE carrying its last known record.
 *
 * <p>Thread-safe. Cache callbacks arrive on Curator's single notification thread, in order.
 */
final class CacheWatch {
    private static final Logger LOG = LoggerFactory.getLogger(CacheWatch.class);

    private final CuratorCache cache;
    private final EventQueue queue;
    private final RecordDecoder decoder;
    private final CountDownLatch initialized = new CountDownLatch(1);
    /** znode path to (node id to the last record reported). Guarded by {@code this}. */
    private final Map<String, Map<String, Service>> known = new HashMap<>();
    private boolean live;

    /**
     * @param onStop run once when the watcher stops (the registry forgets it)
     */
    CacheWatch(CuratorFramework client, WatchOptions options, RecordDecoder decoder, Consumer<CacheWatch> onStop) {
        this.decoder = decoder;
        String root = options.service().map(ZookeeperPaths::watchRoot).orElse(ZookeeperPaths.ROOT);
        this.cache = CuratorCache.builder(client, root)
                .withExceptionHandler(e -> LOG.warn("ZooKeeper watch over {}: {}", root, e.toString()))
                .build();
        this.queue = new EventQueue(options, () -> {
            cache.close();
            onStop.accept(this);
        });
        cache.listenable().addListener(new CuratorCacheListener() {
            @Override
            public void event(Type type, ChildData before, ChildData after) {
                changed(before != null ? before.getPath() : after.getPath(), after);
            }

            @Override
            public void initialized() {
                baseline();
            }
        });
    }

    /**
     * Starts the cache and waits until it has read the subtree: from then on every change is
     * reported.
     *
     * @throws RegistryUnavailableException if the first read did not finish within {@code timeout}
     */
    Watcher start(Duration timeout, String where) throws InterruptedException {
        cache.start();
        if (!initialized.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            queue.stop();
            throw new RegistryUnavailableException("could not establish a watch on ZooKeeper at " + where
                    + " within " + timeout, null);
        }
        return queue;
    }

    /** The user's side of this watcher. */
    EventQueue queue() {
        return queue;
    }

    private synchronized void baseline() {
        cache.stream().filter(d -> ZookeeperPaths.isNode(d.getPath()))
                .forEach(d -> known.put(d.getPath(), decoder.perNode(d.getPath(), d.getData())));
        live = true;
        initialized.countDown();
    }

    private synchronized void changed(String path, ChildData now) {
        if (!live || !ZookeeperPaths.isNode(path)) {
            // Before initialization the baseline takes the whole cache at once.
            return;
        }
        Map<String, Service> before = known.getOrDefault(path, Map.of());
        Map<String, Service> after = now == null ? Map.of() : decoder.perNode(path, now.getData());
        if (after.isEmpty()) {
            known.remove(path);
        } else {
            known.put(path, after);
        }
        for (WatchEvent event : SnapshotDiff.diff(before, after)) {
            queue.offer(event);
        }
    }
}
