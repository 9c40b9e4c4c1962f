package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.tck.RecordingSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The etcd store's push watch ({@link EtcdStore#watch}) seen from its sink, below the core: what
 * jetcd's callbacks and the resync after a wiped etcd push reaches the sink one call at a time, in
 * an order that replays to what etcd holds, with RESYNCING and CURRENT pushed; nothing is pushed
 * once the watch is closed.
 */
@Timeout(180)
class EtcdWatchPushTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

    private EtcdServer server;
    private EtcdStore store;
    private Registry writer;

    @BeforeEach
    void start() {
        server = EtcdServer.startSingle();
        RegistryConfig config = RegistryConfig.of(server.address()).withTimeout(Duration.ofSeconds(2));
        store = EtcdStore.open(config);
        writer = EtcdFixture.open(config);
    }

    @AfterEach
    void stop() {
        writer.close();
        store.close();
        server.close();
    }

    private static Service service(String name, String nodeId) {
        return Service.builder(name).version("1").node(new Node(nodeId, "10.0.0.1:1", Map.of())).build();
    }

    private Set<String> stored(String name) {
        return store.read(Optional.of(name)).stream().map(r -> r.nodes().get(0).id()).collect(Collectors.toSet());
    }

    @Test
    void pushesOneAtATimeInOrderThroughAWipedEtcdAndNothingOnceClosed() {
        String name = "push.order";
        RecordingSink sink = new RecordingSink();
        PrefixWatch watch = store.watch(WatchOptions.service(name), sink);
        for (int i = 0; i < 20; i++) {
            writer.register(service(name, "n" + i), RegisterOptions.ttl(TTL));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.live().size() == 20);
        assertThat(sink.states()).as("no status pushed while nothing went wrong").isEmpty();

        server.restartWithDataLoss();
        // Changes made while the watch resynchronises: jetcd's callbacks and the re-read both push.
        for (int i = 20; i < 30; i++) {
            registerWhenUp(name, "n" + i);
        }

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            expected.add("n" + i);
        }
        await().atMost(RECOVERY_BOUND).untilAsserted(() -> {
            assertThat(stored(name)).isEqualTo(expected);
            assertThat(sink.live()).as("what the pushed events replay to").isEqualTo(expected);
            List<WatchStatus.State> states = sink.states();
            assertThat(states).as("statuses pushed").contains(WatchStatus.State.RESYNCING);
            assertThat(states.get(states.size() - 1)).isEqualTo(WatchStatus.State.CURRENT);
        });
        assertThat(sink.overlapped()).as("two pushes at once").isFalse();
        assertThat(sink.pushes()).noneMatch(RegistryException.class::isInstance);

        watch.close();
        watch.close();
        int pushed = sink.pushes().size();
        writer.register(service(name, "after-close"), RegisterOptions.ttl(TTL));
        writer.deregister(service(name, "n0"));
        await().atMost(Duration.ofSeconds(10)).until(() -> stored(name).contains("after-close"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(sink.pushes().subList(pushed, sink.pushes().size())).as("pushed after close()").isEmpty());
    }

    /** Registers once the restarted etcd takes writes again. */
    private void registerWhenUp(String name, String nodeId) {
        await().atMost(RECOVERY_BOUND).ignoreExceptions()
                .until(() -> {
                    writer.register(service(name, nodeId), RegisterOptions.ttl(TTL));
                    return true;
                });
    }
}
