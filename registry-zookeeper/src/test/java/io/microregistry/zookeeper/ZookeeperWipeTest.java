package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server restarted with its data wiped (issue 14): registrations come back promptly, not
 * after the old session times out; an open watcher follows changes made after the wipe,
 * including one whose znode version equals the version it had before the wipe; a watcher
 * that cannot follow says so.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ZookeeperWipeTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperWipeTest.class);
    /** Well under the default TTL's 15 s session: only a prompt recovery meets it. */
    private static final Duration BOUND = Duration.ofSeconds(6);

    private ZookeeperFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ZookeeperFixture();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static Service node(String name, String address) {
        return Service.builder(name).version("1").node("n1", address).build();
    }

    @Test
    void afterAWipeRegistrationsReturnPromptlyAndTheWatcherSeesEveryChangeByContent() throws Exception {
        String name = "wiped";
        try (Registry writer = fixture.newClient(); Registry reader = fixture.newClient()) {
            // Some history before the fault, as any real server has: the wiped server starts from
            // zero and stays behind what the clients saw.
            for (int i = 0; i < 40; i++) {
                writer.register(Service.builder("filler").version("1").node("f", "10.0.0.9:" + (i + 1)).build());
            }
            writer.register(node(name, "10.0.0.1:1"), RegisterOptions.defaults());
            // One update: the znode is now at version 1.
            writer.register(node(name, "10.0.0.1:2"), RegisterOptions.defaults());
            Watcher watcher = reader.watch(WatchOptions.service(name));
            assertThat(reader.getService("filler")).hasSize(1);
            assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CURRENT);
            Map<String, Service> view = new HashMap<>(Map.of("n1", node(name, "10.0.0.1:2")));

            long wiped = System.nanoTime();
            fixture.server().restartWiped();

            // The node comes back (re-created at version 0) well before its 15 s session would time out.
            await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> reader.getService(name).equals(List.of(node(name, "10.0.0.1:2"))));
            LOG.info("MEASURED node back {} ms after the wipe",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wiped));

            // Updated once more: version 1 again, the version it had before the wipe.
            writer.register(node(name, "10.0.0.1:3"), RegisterOptions.defaults());
            long updated = System.nanoTime();
            await().atMost(BOUND).until(() -> {
                drain(watcher, view);
                return node(name, "10.0.0.1:3").equals(view.get("n1"));
            });
            LOG.info("MEASURED update reached the open watcher {} ms after it was written",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - updated));
            await().atMost(BOUND).until(() -> watcher.status().state() == WatchStatus.State.CURRENT);
            assertThat(watcher.isStopped()).isFalse();
        }
    }

    @Test
    void repeatedWipesNeverLeaveAWatcherBehind() throws Exception {
        String name = "rewiped";
        try (Registry writer = fixture.newClient(); Registry reader = fixture.newClient()) {
            for (int i = 0; i < 40; i++) {
                writer.register(Service.builder("filler").version("1").node("f", "10.0.0.9:" + (i + 1)).build());
            }
            writer.register(node(name, "10.0.0.1:1"), RegisterOptions.ttl(Duration.ofSeconds(2)));
            Watcher one = reader.watch(WatchOptions.service(name));
            Watcher all = reader.watch(WatchOptions.all());
            Map<String, Service> viewOne = new HashMap<>(Map.of("n1", node(name, "10.0.0.1:1")));
            Map<String, Service> viewAll = new HashMap<>(viewOne);
            for (int wipe = 1; wipe <= 4; wipe++) {
                fixture.server().restartWiped();
                Service now = node(name, "10.0.0.1:" + (wipe + 1));
                // Written as soon as the server takes it: the first write after the wipe, or close to it.
                await().atMost(BOUND).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() ->
                        writer.register(now, RegisterOptions.ttl(Duration.ofSeconds(2))));
                await().atMost(BOUND).until(() -> {
                    drain(one, viewOne);
                    drain(all, viewAll);
                    return now.equals(viewOne.get("n1")) && now.equals(viewAll.get("n1"));
                });
                await().atMost(BOUND).until(() -> one.status().isCurrent() && all.status().isCurrent());
                assertThat(reader.getService(name)).containsExactly(now);
            }
        }
    }

    @Test
    void aWatcherThatCannotFollowTheServerSaysSoAndRecovers() throws Exception {
        String name = "outage";
        try (Registry writer = fixture.newClient(); Registry reader = fixture.newClient()) {
            writer.register(node(name, "10.0.0.1:1"), RegisterOptions.ttl(Duration.ofSeconds(5)));
            Watcher watcher = reader.watch(WatchOptions.service(name));
            assertThat(watcher.status().isCurrent()).isTrue();

            fixture.server().stop();
            await().atMost(BOUND).until(() -> !watcher.status().isCurrent());
            WatchStatus down = watcher.status();
            assertThat(down.cause()).as("a status that is not CURRENT names its cause").isPresent();
            assertThat(down.cause().get().getMessage()).contains(fixture.connectString());
            // Past the call timeout without a server it is STALE, not merely resyncing.
            await().atMost(BOUND.multipliedBy(2)).until(() -> watcher.status().state() == WatchStatus.State.STALE);

            fixture.server().startAgain();
            await().atMost(BOUND.multipliedBy(2)).until(() -> watcher.status().isCurrent());
            writer.register(node(name, "10.0.0.1:2"), RegisterOptions.ttl(Duration.ofSeconds(5)));
            Map<String, Service> view = new HashMap<>(Map.of("n1", node(name, "10.0.0.1:1")));
            await().atMost(BOUND).until(() -> {
                drain(watcher, view);
                return node(name, "10.0.0.1:2").equals(view.get("n1"));
            });
        }
    }

    /** Applies every queued event to {@code view} (node id to record). */
    private static void drain(Watcher watcher, Map<String, Service> view) throws InterruptedException {
        Optional<WatchEvent> event;
        while ((event = watcher.next(Duration.ofMillis(100))).isPresent()) {
            WatchEvent e = event.get();
            if (e.type() == WatchEvent.Type.DELETE) {
                view.remove(e.node().id());
            } else {
                view.put(e.node().id(), e.service());
            }
        }
    }
}
