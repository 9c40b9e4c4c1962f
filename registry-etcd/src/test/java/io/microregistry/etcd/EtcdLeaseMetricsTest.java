package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.metrics.RegistryObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A lease revoked on the server is reported as lost, and each record as written back, to the client's observer. */
@Timeout(90)
class EtcdLeaseMetricsTest {

    @Test
    void aRevokedLeaseIsReportedLostAndItsRecordsWrittenBack() {
        List<String> events = new CopyOnWriteArrayList<>();
        RegistryObserver observer = new RegistryObserver() {
            @Override
            public void livenessLost(String primitive, int records) {
                events.add("lost " + primitive + " " + records);
            }

            @Override
            public void writtenBack(String service, String nodeId) {
                events.add("back " + service + "/" + nodeId);
            }
        };
        try (EtcdFixture fixture = new EtcdFixture();
             StoreRegistry registry = new StoreRegistry(EtcdStore.open(RegistryConfig.of(fixture.address())), observer)) {
            registry.register(new Service("metered", "1.0", Map.of(), List.of(),
                    List.of(Node.of("a", "127.0.0.1:1"), Node.of("b", "127.0.0.1:2"))), RegisterOptions.ttl(Duration.ofSeconds(5)));
            assertThat(events).isEmpty();

            fixture.loseSession(registry);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(events).containsExactly("lost lease 2", "back metered/a", "back metered/b"));
            assertThat(registry.getService("metered").get(0).nodes()).extracting(Node::id).containsExactly("a", "b");
        }
    }
}
