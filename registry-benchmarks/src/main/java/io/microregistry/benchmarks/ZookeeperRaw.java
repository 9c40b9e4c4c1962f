package io.microregistry.benchmarks;

import io.microregistry.Service;
import io.microregistry.backend.KeySegment;
import io.microregistry.backend.ServiceJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Curator doing what the ZooKeeper registry does: the go-micro path and JSON as an EPHEMERAL
 * znode (parents created as needed); a {@link CuratorCache} on the service's path.
 */
final class ZookeeperRaw implements RawClient {

    private final CuratorFramework client;

    ZookeeperRaw(String connectString) throws InterruptedException {
        client = CuratorFrameworkFactory.newClient(connectString, new ExponentialBackoffRetry(100, 3));
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("Curator did not connect to " + connectString + " in 30 s");
        }
    }

    private static String path(String service) {
        return "/micro-registry/" + KeySegment.of(service);
    }

    @Override
    public void register(Service service, Duration ttl) throws Exception {
        client.create().orSetData().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path(service.name()) + "/" + KeySegment.of(service.nodes().get(0).id()),
                        ServiceJson.encode(service));
    }

    @Override
    public Runnable watch(String serviceName, Consumer<String> created) throws Exception {
        String root = path(serviceName);
        CountDownLatch initialized = new CountDownLatch(1);
        CuratorCache cache = CuratorCache.build(client, root);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(node -> {
                    if (node.getPath().length() > root.length()) {
                        created.accept(node.getPath().substring(root.length() + 1));
                    }
                })
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        if (!initialized.await(10, TimeUnit.SECONDS)) {
            cache.close();
            throw new IllegalStateException("CuratorCache on " + root + " not initialized in 10 s");
        }
        return cache::close;
    }

    @Override
    public void close() {
        client.close();
    }
}
