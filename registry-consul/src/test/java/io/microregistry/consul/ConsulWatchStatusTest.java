package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A watcher says STALE, with a translated cause, while the agent is down, and CURRENT again once it answers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ConsulWatchStatusTest {
    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    @Test
    void aWatcherIsStaleWhileTheAgentIsDownAndCurrentAfter() throws Exception {
        try (Registry client = new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress())
                .withTimeout(Duration.ofSeconds(2)))) {
            Watcher watcher = client.watch(WatchOptions.service("status-svc"));
            assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CURRENT);

            agent.kill();
            await().atMost(Duration.ofSeconds(20)).until(() -> watcher.status().state() == WatchStatus.State.STALE);
            assertThat(watcher.status().cause()).get().isInstanceOf(RegistryUnavailableException.class)
                    .extracting(Throwable::getMessage).asString().contains(agent.httpAddress());

            agent.relaunch();
            await().atMost(Duration.ofSeconds(30)).until(() -> watcher.status().state() == WatchStatus.State.CURRENT);
            Service service = Service.builder("status-svc").version("1").node("s1", "127.0.0.1:1").build();
            client.register(service);
            Optional<WatchEvent> event = watcher.next(Duration.ofSeconds(20));
            assertThat(event).get().extracting(WatchEvent::type).isEqualTo(WatchEvent.Type.CREATE);
            watcher.close();
        }
    }
}
