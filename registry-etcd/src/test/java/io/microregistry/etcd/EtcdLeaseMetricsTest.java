package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.RecordingObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A lease revoked on the server is reported as lost, and each record as written back, to the client's observer. */
@Timeout(90)
class EtcdLeaseMetricsTest {

    @Test
    void aRevokedLeaseIsReportedLostAndItsRecordsWrittenBack() {
        RecordingObserver observer = new RecordingObserver();
        try (EtcdFixture fixture = new EtcdFixture();
             StoreRegistry registry = new StoreRegistry(EtcdStore.open(RegistryConfig.of(fixture.address())), observer)) {
            registry.register(new Service("metered", "1.0", Map.of(), List.of(),
                    List.of(Node.of("a", "127.0.0.1:1"), Node.of("b", "127.0.0.1:2"))), RegisterOptions.ttl(Duration.ofSeconds(5)));
            assertThat(observer.events()).isEmpty();

            fixture.loseSession(registry);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(observer.events()).containsExactly("lost lease 2", "written back metered/a",
                            "written back metered/b"));
            assertThat(registry.getService("metered").get(0).nodes()).extracting(Node::id).containsExactly("a", "b");
        }
    }
}
