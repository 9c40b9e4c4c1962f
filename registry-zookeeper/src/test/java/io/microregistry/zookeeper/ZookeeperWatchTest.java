package io.microregistry.zookeeper;

import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a ZooKeeper watch promises for quick successive updates of one node: ZooKeeper
 * notifies that a znode changed, not what it held, so updates may merge; they never arrive
 * out of order and the last one always arrives (documented in the README).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZookeeperWatchTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperWatchTest.class);

    @Test
    void quickUpdatesOfOneNodeMayMergeButArriveInOrderAndTheLastOneAlways() throws Exception {
        String name = "rapid";
        int updates = 50;
        try (ZookeeperFixture fixture = new ZookeeperFixture();
             Registry writer = fixture.newClient(); Registry reader = fixture.newClient()) {
            writer.register(node(name, 0));
            Watcher watcher = reader.watch(WatchOptions.service(name));
            for (int i = 1; i <= updates; i++) {
                writer.register(node(name, i));
            }
            int events = 0;
            int lastPort = 0;
            while (lastPort < updates) {
                WatchEvent event = watcher.next(Duration.ofSeconds(10))
                        .orElseThrow(() -> new AssertionError("the last update never arrived"));
                assertThat(event.type()).isEqualTo(WatchEvent.Type.UPDATE);
                int port = Integer.parseInt(event.node().address().substring(event.node().address().indexOf(':') + 1));
                assertThat(port).as("updates in order").isGreaterThan(lastPort);
                lastPort = port;
                events++;
            }
            LOG.info("MEASURED {} quick updates of one node gave {} watch events", updates, events);
            assertThat(watcher.next(Duration.ofMillis(500))).as("nothing after the last update").isEmpty();
        }
    }

    private static Service node(String name, int port) {
        return Service.builder(name).version("1").node("n1", "127.0.0.1:" + port).build();
    }
}
