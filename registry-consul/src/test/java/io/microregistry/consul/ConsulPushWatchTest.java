package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.backend.PrefixWatch;
import io.microregistry.backend.WatchSink;
import io.microregistry.tck.RecordingSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ConsulStore#watch} against the push SPI, below the core: what a {@link WatchSink} is
 * told, on which thread, and when (events in order on the feed's thread, statuses as the feed's
 * health changes, at once for a watch opened while the feed is STALE, broken once when the store
 * closes under an open watch, nothing once closed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ConsulPushWatchTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private static Service node(String name, String id, String address) {
        return Service.builder(name).version("1").node(id, address).build();
    }

    @Test
    void pushesEachChangeInOrderOnTheFeedsThreadAndNothingOnceClosed() {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        ConsulStore store = new ConsulStore(new ConsulConnector(RegistryConfig.of(agent.httpAddress())));
        try (Registry writer = new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()))) {
            PrefixWatch watch = store.watch(WatchOptions.service("push-svc"), first);
            Service v1 = node("push-svc", "p-1", "127.0.0.1:1");
            Service v2 = node("push-svc", "p-1", "127.0.0.1:2");
            writer.register(v1);
            await().atMost(BOUND).until(() -> first.events().size() == 1);
            writer.register(v2);
            await().atMost(BOUND).until(() -> first.events().size() == 2);
            writer.deregister(v2);
            await().atMost(BOUND).until(() -> first.events().size() == 3);
            assertThat(first.events()).containsExactly(WatchEvent.create(v1), WatchEvent.update(v2),
                    WatchEvent.delete(v2));
            assertThat(first.eventThreads()).allMatch(name -> name.startsWith("consul-feed"));
            assertThat(first.overlapped()).isFalse();
            assertThat(first.pushes()).as("no status while the agent answers, nothing broken")
                    .allMatch(item -> item instanceof WatchEvent);

            watch.close();
            watch.close();
            // A second watch on the same feed: once it has seen two later changes, the feed's thread has
            // handed the first of them to every watch attached, so the closed one was passed over.
            PrefixWatch later = store.watch(WatchOptions.service("push-svc"), second);
            writer.register(node("push-svc", "p-2", "127.0.0.1:3"));
            await().atMost(BOUND).until(() -> second.events().size() == 1);
            writer.register(node("push-svc", "p-3", "127.0.0.1:4"));
            await().atMost(BOUND).until(() -> second.events().size() == 2);
            assertThat(first.pushes()).as("pushed after close").hasSize(3);
            later.close();
        } finally {
            store.close();
        }
        assertThat(second.pushes()).as("a closed watch is not broken by the store's close").hasSize(2);
    }

    @Test
    void closingTheStoreUnderAnOpenWatchPushesBrokenOnce() {
        RecordingSink sink = new RecordingSink();
        ConsulStore store = new ConsulStore(new ConsulConnector(RegistryConfig.of(agent.httpAddress())));
        PrefixWatch watch;
        try {
            watch = store.watch(WatchOptions.all(), sink);
        } finally {
            store.close();
        }
        assertThat(sink.broken()).singleElement().isInstanceOf(RegistryUnavailableException.class)
                .extracting(Throwable::getMessage).asString().contains("closed");
        watch.close();
        assertThat(sink.pushes()).as("only broken, once").hasSize(1);
    }

    @Test
    void aWatchOpenedWhileTheFeedIsStaleGetsThatStatusAtOnceThenCurrent() throws Exception {
        RecordingSink first = new RecordingSink();
        RecordingSink second = new RecordingSink();
        try (RecordingHttpProxy proxy = new RecordingHttpProxy(agent.httpAddress());
             Registry writer = new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()))) {
            ConsulStore store = new ConsulStore(new ConsulConnector(RegistryConfig.of(proxy.address())
                    .withTimeout(Duration.ofSeconds(2))));
            try {
                PrefixWatch watch = store.watch(WatchOptions.service("stale-svc"), first);
                proxy.failWhere(path -> path.startsWith("/v1/internal/ui/nodes"));
                // A change ends the blocking query in flight (it reached the agent before the failures began).
                writer.register(node("stale-trigger", "tr-1", "127.0.0.1:9"));
                await().atMost(BOUND).until(() -> !first.statuses().isEmpty());
                WatchStatus stale = first.statuses().get(0);
                assertThat(stale.state()).isEqualTo(WatchStatus.State.STALE);
                assertThat(stale.cause()).get().isInstanceOf(RegistryException.class);
                // Let the feed's backoff grow past 2.5 s (the 7th retry waits at least half of 5 s), so that
                // the next read, the new watch's baseline, comes well before the feed's own retry.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> failures(proxy) >= 7);
                proxy.failWhere(path -> false);
                PrefixWatch opened = store.watch(WatchOptions.service("stale-svc"), second);
                assertThat(second.pushes()).as("pushed before watch() returned").singleElement()
                        .isInstanceOfSatisfying(WatchStatus.class,
                                status -> assertThat(status.state()).isEqualTo(WatchStatus.State.STALE));

                await().atMost(BOUND).until(() -> second.statuses().size() == 2);
                assertThat(second.statuses().get(1).state()).isEqualTo(WatchStatus.State.CURRENT);
                assertThat(first.statuses()).extracting(WatchStatus::state)
                        .containsExactly(WatchStatus.State.STALE, WatchStatus.State.CURRENT);

                Service created = node("stale-svc", "st-1", "127.0.0.1:1");
                writer.register(created);
                await().atMost(BOUND).until(() -> second.events().size() == 1 && first.events().size() == 1);
                assertThat(second.events()).containsExactly(WatchEvent.create(created));
                assertThat(first.events()).containsExactly(WatchEvent.create(created));
                watch.close();
                opened.close();
            } finally {
                store.close();
            }
        }
        assertThat(first.broken()).isEmpty();
        assertThat(second.broken()).isEmpty();
    }

    private static long failures(RecordingHttpProxy proxy) {
        return proxy.exchanges().stream().filter(e -> e.status() == 500).count();
    }
}
