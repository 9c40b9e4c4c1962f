package io.microregistry.tck;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend is found by name through {@code MICRO_REGISTRY}'s system property, by ServiceLoader. */
public abstract class ProviderDiscoveryContract extends Contract {

    protected ProviderDiscoveryContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void foundByNameThroughTheEnvironment() {
        require(Capability.PROVIDER_DISCOVERY);
        Map<String, String> properties = fixture().providerProperties();
        assertThat(properties).containsKey("micro.registry");
        assertThat(Registries.providerNames()).contains(properties.get("micro.registry"));

        Map<String, String> previous = new HashMap<>();
        properties.forEach((k, v) -> previous.put(k, System.setProperty(k, v)));
        Registry registry;
        try {
            registry = Registries.fromEnvironment();
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        try (registry) {
            String name = uniqueName("discovered");
            Service service = service(name, "1", node("n1", "127.0.0.1:1"));
            registry.register(service);
            await().untilAsserted(() -> assertThat(registry.getService(name)).containsExactly(service));
        }
    }
}
