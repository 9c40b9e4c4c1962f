package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A registration that timed out on our side but reaches the agent later (a request stuck in a
 * stopped or restarting agent) must not stay applied under the client's passing check: the
 * agent comes back to the record the client holds. The fault soak saw a node served at an older
 * generation across three agent restarts this way.
 */
@Timeout(90)
class ConsulLateWriteTest {

    @Test
    void aLateRegistrationIsOverwrittenByWhatTheClientHolds() throws Exception {
        try (ConsulAgent agent = ConsulAgent.start();
             FreezableProxy proxy = new FreezableProxy(agent.httpAddress());
             Registry client = Registries.open("consul",
                     RegistryConfig.of(proxy.address()).withTimeout(Duration.ofSeconds(1)));
             Registry reader = Registries.open("consul", RegistryConfig.of(agent.httpAddress()))) {
            // A long TTL: no keep-alive step falls inside the hold below (the next one is 10 s away).
            RegisterOptions ttl = RegisterOptions.ttl(Duration.ofSeconds(30));
            client.register(generation(1), ttl);
            assertThat(generationIn(reader)).contains("1");

            proxy.hold();
            assertThatThrownBy(() -> client.register(generation(2), ttl)).isInstanceOf(RegistryException.class);
            proxy.release();

            await("the late registration lands").atMost(Duration.ofSeconds(5))
                    .until(() -> generationIn(reader).equals(Optional.of("2")));
            await("the agent is back on what the client holds").atMost(Duration.ofSeconds(25))
                    .until(() -> generationIn(reader).equals(Optional.of("1")));

            client.register(generation(3), ttl);
            assertThat(generationIn(reader)).contains("3");
        }
    }

    private static Service generation(int generation) {
        return new Service("late", "1.0", Map.of(), List.of(),
                List.of(new Node("n1", "127.0.0.1:1", Map.of("generation", String.valueOf(generation)))));
    }

    private static Optional<String> generationIn(Registry reader) {
        return reader.getService("late").stream().flatMap(v -> v.nodes().stream())
                .map(n -> n.metadata().get("generation")).findFirst();
    }
}
