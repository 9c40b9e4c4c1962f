package com.example.registry;

import io.microregistry.Service;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.RecordingObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A lost lease is reported once, then every record written back, to the client's observer. */
@Timeout(20)
class ExampleLeaseMetricsTest {

    @Test
    void aLostLeaseAndItsWriteBacksReachTheObserver() {
        RecordingObserver observer = new RecordingObserver();
        ExampleServer server = new ExampleServer();
        ExampleStore store = new ExampleStore(server, server::close);
        try (StoreRegistry client = new StoreRegistry(store, observer)) {
            client.register(Service.builder("greeter").node("a", "a:1").node("b", "b:1").build());
            store.loseLeases();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(observer.events())
                    .containsExactly("lost lease 2", "written back greeter/a", "written back greeter/b"));
            assertThat(client.getService("greeter").get(0).nodes()).hasSize(2);
        }
    }
}
