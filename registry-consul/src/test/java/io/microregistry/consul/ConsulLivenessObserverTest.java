package io.microregistry.consul;

import io.microregistry.RegisterOptions;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.RecordingObserver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.kiwiproject.consul.Consul;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client's observer hears of a TTL check the agent lost and of the registration written back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ConsulLivenessObserverTest {

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    @Test
    void aLostCheckIsReportedOnceAndItsRegistrationWrittenBack() {
        RecordingObserver observer = new RecordingObserver();
        try (StoreRegistry registry = new StoreRegistry(
                new ConsulStore(new ConsulConnector(RegistryConfig.of(agent.httpAddress()))), observer)) {
            registry.register(Service.builder("observed").node("obs-1", "127.0.0.1:1").build(),
                    RegisterOptions.ttl(Duration.ofSeconds(3)));

            // As the agent does when it reaps the service: the next pass finds the check gone.
            Consul raw = Consul.builder().withUrl("http://" + agent.httpAddress()).build();
            try {
                raw.agentClient().deregister("obs-1");
            } finally {
                raw.destroy();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> observer.events().contains("written back observed/obs-1"));
            assertThat(observer.events()).containsExactly("lost check 1", "written back observed/obs-1");
            assertThat(registry.getService("observed")).hasSize(1);
        }
    }
}
