package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A registry whose prefix is larger than one gRPC message (jetcd accepts 4 MiB): 5,000
 * records of about 1 KB. Listing, watching and resynchronising read it in pages; a watch
 * that cannot follow etcd says so through its status, and says CURRENT again once it does.
 */
@Timeout(180)
class EtcdLargeRegistryTest {
    private static final int NODES = 5_000;

    private static EtcdServer server;

    @BeforeAll
    static void start() {
        server = EtcdServer.startSingle();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Registry client() {
        return EtcdFixture.open(RegistryConfig.of(server.address()).withTimeout(Duration.ofSeconds(5)));
    }

    @Test
    void aPrefixLargerThanOneMessageIsListedWatchedAndResynchronised() throws InterruptedException {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            nodes.add(new Node("node-" + i, "10.0." + (i / 250) + "." + (i % 250) + ":8080",
                    Map.of("pad", "p".repeat(1000))));
        }
        Service big = Service.builder("large").version("1").build().withNodes(nodes);
        try (Registry registrant = client(); Registry reader = client()) {
            registrant.register(big, RegisterOptions.ttl(Duration.ofSeconds(120)));

            List<Service> all = reader.listServices();
            assertThat(all).singleElement().satisfies(s -> assertThat(s.nodes()).hasSize(NODES));
            assertThat(reader.getService("large").get(0).nodes()).hasSize(NODES);

            Watcher watcher = reader.watch(WatchOptions.all());
            assertThat(watcher.status().state()).isEqualTo(WatchStatus.State.CURRENT);

            server.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> !watcher.status().isCurrent());
            assertThat(watcher.status().cause()).isPresent();
            server.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> watcher.status().isCurrent());

            Service late = Service.builder("late").node("l1", "10.9.9.9:1").build();
            registrant.register(late);
            Optional<WatchEvent> event;
            do {
                event = watcher.next(Duration.ofSeconds(30));
            } while (event.isPresent() && !event.get().service().name().equals("late"));
            assertThat(event).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);
            assertThat(reader.listServices()).extracting(Service::name).containsExactlyInAnyOrder("large", "late");
        }
    }
}
