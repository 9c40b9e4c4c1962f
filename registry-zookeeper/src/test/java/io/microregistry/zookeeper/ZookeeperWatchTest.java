package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.WatchSink;
import io.microregistry.tck.RecordingSink;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a ZooKeeper watch promises. Through the Registry API: quick successive updates of one node
 * may merge, since ZooKeeper notifies that a znode changed, not what it held; they never arrive
 * out of order and the last one always arrives (documented in the README). At the store's push
 * seam ({@link ZookeeperStore#watch(WatchOptions, WatchSink)}, driven with a recording sink): each
 * change is pushed once, in order, one at a time on the client's watch thread; each change of
 * status once; nothing after close; {@link WatchSink#broken broken} once if the client closes
 * under an open watch; nothing at all from a watch that could not be established.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZookeeperWatchTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperWatchTest.class);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private ZookeeperFixture fixture;

    @BeforeAll
    void start() {
        fixture = new ZookeeperFixture();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private ZookeeperStore newStore() {
        return new ZookeeperStore(ConnectSettings.from(RegistryConfig.of(fixture.connectString())));
    }

    @Test
    void quickUpdatesOfOneNodeMayMergeButArriveInOrderAndTheLastOneAlways() throws Exception {
        String name = "rapid-" + UUID.randomUUID();
        int updates = 50;
        try (Registry writer = fixture.newClient(); Registry reader = fixture.newClient()) {
            writer.register(node(name, "n1", 0));
            Watcher watcher = reader.watch(WatchOptions.service(name));
            for (int i = 1; i <= updates; i++) {
                writer.register(node(name, "n1", i));
            }
            int events = 0;
            int lastPort = 0;
            while (lastPort < updates) {
                WatchEvent event = watcher.next(Duration.ofSeconds(10))
                        .orElseThrow(() -> new AssertionError("the last update never arrived"));
                assertThat(event.type()).isEqualTo(WatchEvent.Type.UPDATE);
                int port = port(event);
                assertThat(port).as("updates in order").isGreaterThan(lastPort);
                lastPort = port;
                events++;
            }
            LOG.info("MEASURED {} quick updates of one node gave {} watch events", updates, events);
            assertThat(watcher.next(Duration.ofMillis(500))).as("nothing after the last update").isEmpty();
        }
    }

    @Test
    void storeWatchPushesEachChangeInOrderOnTheWatchThreadAndNothingAfterClose() {
        String name = "pushed-" + UUID.randomUUID();
        RecordingSink sink = new RecordingSink();
        ZookeeperStore store = newStore();
        try (Registry writer = fixture.newClient()) {
            writer.register(node(name, "before", 1));
            PrefixWatch watch = store.watch(WatchOptions.service(name), sink);
            // Another service under the same parent must not leak into this prefix.
            writer.register(node(name + "-other", "x", 1));
            writer.register(node(name, "n1", 1));
            for (int i = 2; i <= 20; i++) {
                writer.register(node(name, "n1", i));
            }
            writer.deregister(node(name, "n1", 20));

            await().atMost(BOUND).until(() -> sink.events().stream()
                    .anyMatch(e -> e.type() == WatchEvent.Type.DELETE));
            List<WatchEvent> events = sink.events();
            assertThat(events).as("the node there before the watch is its starting view, not an event")
                    .allMatch(e -> e.node().id().equals("n1") && e.service().name().equals(name));
            assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(events.get(events.size() - 1).type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(port(events.get(events.size() - 1))).as("the last state before the delete").isEqualTo(20);
            for (int i = 1; i < events.size() - 1; i++) {
                assertThat(events.get(i).type()).isEqualTo(WatchEvent.Type.UPDATE);
                assertThat(port(events.get(i))).as("updates in order").isGreaterThan(port(events.get(i - 1)));
            }
            assertThat(sink.overlapped()).as("never two events pushed at once").isFalse();
            assertThat(sink.eventThreads()).as("events are pushed on the client's one watch thread")
                    .allMatch(thread -> thread.startsWith("micro-registry-zk-watch")).hasSize(1);
            assertThat(sink.states()).as("no status change without trouble").isEmpty();
            assertThat(sink.broken()).isEmpty();

            watch.close();
            watch.close();
            int pushed = sink.pushes().size();
            writer.register(node(name, "after", 1));
            assertThat(writer.getService(name)).isNotEmpty();
            await().during(Duration.ofSeconds(1)).atMost(BOUND).until(() -> sink.pushes().size() == pushed);
            store.close();
            assertThat(sink.pushes()).as("a closed watch is not broken when its client closes").hasSize(pushed);
        } finally {
            store.close();
        }
    }

    @Test
    void storeWatchPushesEachChangeOfStatusOnceAndFollowsTheServerAgainAfterReconnecting() throws Exception {
        String name = "status-" + UUID.randomUUID();
        RecordingSink sink = new RecordingSink();
        ZookeeperStore store = newStore();
        try (Registry writer = fixture.newClient()) {
            PrefixWatch watch = store.watch(WatchOptions.service(name), sink);
            Session session = store.sessionOf(RegisterOptions.DEFAULT_TTL);
            AtomicInteger reconnects = new AtomicInteger();
            session.addListener((c, state) -> {
                if (state == ConnectionState.RECONNECTED) {
                    reconnects.incrementAndGet();
                }
            });

            session.zooKeeper().getTestable().closeSocket();

            await().atMost(BOUND).until(() -> reconnects.get() > 0 && !sink.states().isEmpty()
                    && sink.states().get(sink.states().size() - 1) == WatchStatus.State.CURRENT);
            List<WatchStatus.State> states = sink.states();
            LOG.info("MEASURED status pushes across a reconnect: {}", states);
            assertThat(states.get(0)).as("resyncing from the moment the connection dropped")
                    .isEqualTo(WatchStatus.State.RESYNCING);
            for (int i = 1; i < states.size(); i++) {
                assertThat(states.get(i)).as("one push per change of state").isNotEqualTo(states.get(i - 1));
            }
            assertThat(sink.statuses()).allMatch(s -> s.isCurrent() || s.cause().isPresent());

            writer.register(node(name, "n1", 1));
            await().atMost(BOUND).until(() -> sink.events().size() == 1);
            assertThat(sink.events().get(0).type()).as("the watch follows the server again")
                    .isEqualTo(WatchEvent.Type.CREATE);
            assertThat(sink.broken()).isEmpty();
            watch.close();
        } finally {
            store.close();
        }
    }

    @Test
    void clientClosingUnderAnOpenStoreWatchPushesBrokenOnceAndThenNothing() {
        String name = "broken-" + UUID.randomUUID();
        RecordingSink sink = new RecordingSink();
        ZookeeperStore store = newStore();
        PrefixWatch watch = store.watch(WatchOptions.service(name), sink);

        store.close();

        assertThat(sink.broken()).hasSize(1);
        assertThat(sink.broken().get(0)).hasMessageContaining("closed");
        assertThat(sink.pushes()).hasSize(1);
        watch.close();
        store.close();
        assertThat(sink.pushes()).as("broken is the last push").hasSize(1);
    }

    @Test
    void aStoreWatchThatCannotBeEstablishedThrowsAndPushesNothing() {
        RecordingSink sink = new RecordingSink();
        // Nothing listens on port 1: no session within the (short) call timeout.
        ZookeeperStore store = new ZookeeperStore(ConnectSettings.from(
                RegistryConfig.of("127.0.0.1:1").withTimeout(Duration.ofSeconds(1))));
        try {
            assertThatThrownBy(() -> store.watch(WatchOptions.all(), sink)).isInstanceOf(RegistryException.class);
            await().during(Duration.ofMillis(500)).atMost(BOUND).until(() -> sink.pushes().isEmpty());
        } finally {
            store.close();
        }
        assertThat(sink.pushes()).as("a watch that failed to start is closed, not broken").isEmpty();
    }

    private static Service node(String name, String id, int port) {
        return Service.builder(name).version("1").node(id, "127.0.0.1:" + port).build();
    }

    private static int port(WatchEvent event) {
        return Integer.parseInt(event.node().address().substring(event.node().address().indexOf(':') + 1));
    }
}
