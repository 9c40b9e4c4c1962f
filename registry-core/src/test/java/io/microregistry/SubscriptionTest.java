package io.microregistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The push subscription: a snapshot first, then every later change, until closed. */
@Timeout(30)
class SubscriptionTest {

    private static Service service(String name, String nodeId) {
        return new Service(name, "1", Map.of(), List.of(), List.of(Node.of(nodeId, "127.0.0.1:1")));
    }

    @Test
    void deliversTheSnapshotThenLaterChangesOfTheFilteredServiceOnly() {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults())) {
            registry.register(service("greeter", "before"));
            List<List<Service>> snapshots = new CopyOnWriteArrayList<>();
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            Subscription subscription = registry.subscribe(WatchOptions.service("greeter"), new WatchListener() {
                @Override
                public void onSnapshot(List<Service> current) {
                    snapshots.add(current);
                }

                @Override
                public void onEvent(WatchEvent event) {
                    events.add(event);
                }
            });
            registry.register(service("greeter-v2", "lookalike"));
            registry.register(service("greeter", "after"));

            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
            assertThat(snapshots).hasSize(1);
            assertThat(snapshots.get(0)).containsExactly(service("greeter", "before"));
            assertThat(events).containsExactly(WatchEvent.create(service("greeter", "after")));
            assertThat(subscription.status().isCurrent()).isTrue();

            subscription.close();
            assertThat(subscription.isClosed()).isTrue();
            registry.deregister(service("greeter", "after"));
            registry.register(service("greeter", "late"));
            // The deregistration and late registration reach a fresh subscription but never the closed one.
            List<WatchEvent> fresh = new CopyOnWriteArrayList<>();
            try (Subscription probe = registry.subscribe(WatchOptions.service("greeter"), fresh::add)) {
                registry.deregister(service("greeter", "late"));
                await().atMost(Duration.ofSeconds(5)).until(() -> fresh.size() == 1);
                assertThat(probe.isClosed()).isFalse();
            }
            assertThat(events).hasSize(1);
        }
    }

    @Test
    void aThrowingListenerDoesNotEndTheSubscription() {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults())) {
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            try (Subscription ignored = registry.subscribe(WatchOptions.all(), event -> {
                seen.add(event);
                throw new IllegalStateException("listener bug");
            })) {
                registry.register(service("a", "1"));
                registry.register(service("b", "1"));
                await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            }
        }
    }

    @Test
    void rejectsNullArgumentsNamingThem() {
        try (Registry registry = Registries.open("memory", RegistryConfig.defaults())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.subscribe(null, e -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.subscribe(WatchOptions.all(), null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listener");
        }
    }
}
