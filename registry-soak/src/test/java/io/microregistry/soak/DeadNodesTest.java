package io.microregistry.soak;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The STALE detector itself, on the in-process memory backend: it must be able to fail. */
@Timeout(30)
class DeadNodesTest {

    @Test
    void aDeadNodeStillServedAfterItsDeadlineIsStale() {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults());
             DeadNodes dead = new DeadNodes(registry, "svc", Duration.ofSeconds(1), id -> "evidence of " + id)) {
            registry.register(new Service("svc", "1", null, null, List.of(Node.of("a", "127.0.0.1:1"))),
                    RegisterOptions.ttl(Duration.ofSeconds(60)));
            // "Died" 10 s ago with TTL 1 s: its deadline has long passed, yet it is served.
            dead.died(List.of("a"), System.nanoTime() - Duration.ofSeconds(10).toNanos());

            await().atMost(Duration.ofSeconds(10)).until(() -> !dead.drainStale().isEmpty());
            assertThat(dead.drainEvidence()).containsExactly(Map.entry("a", "evidence of a"));
        }
    }

    @Test
    void aNodeThatGoesInTimeIsNotStaleAndItsTimeIsRecorded() {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults());
             DeadNodes dead = new DeadNodes(registry, "svc", Duration.ofSeconds(5), id -> "unexpected")) {
            Service service = new Service("svc", "1", null, null, List.of(Node.of("a", "127.0.0.1:1")));
            registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(60)));
            dead.died(List.of("a"), System.nanoTime());
            registry.deregister(service);
            dead.catchUp();

            List<Long> times = dead.drainDisappearances();

            assertThat(times).hasSize(1);
            assertThat(times.get(0)).isBetween(0L, 5000L);
            assertThat(dead.drainStale()).isEmpty();
            assertThat(dead.drainEvidence()).isEmpty();
        }
    }
}
