package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input fails fast with an {@link IllegalArgumentException} naming the field, and loses
 * nothing: what was registered before stays, and nothing of the rejected call is written.
 * Checks of registry-api's own model (a null name in a record constructor, a bad TTL in
 * {@code RegisterOptions}), which no plugin can fail, live in registry-api's tests.
 */
public abstract class ValidationContract extends Contract {

    protected ValidationContract(RegistryFixture fixture) {
        super(fixture);
    }

    private static final String LONG = "x".repeat(256);

    private void rejected(Registry client, Service service, String field) {
        assertThatThrownBy(() -> client.register(service)).as("register(%s)", service)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void badServiceNamesAreRejected() {
        Registry client = client();
        Node n = node("n1", "127.0.0.1:1");
        rejected(client, service("", "1", n), "service name");
        rejected(client, service("   ", "1", n), "service name");
        rejected(client, service("line\nbreak", "1", n), "service name");
        rejected(client, service("nul\u0000", "1", n), "service name");
        rejected(client, service(LONG, "1", n), "service name");
    }

    @Test
    void badNodesAreRejected() {
        Registry client = client();
        String name = uniqueName("bad-node");
        rejected(client, service(name, "1"), "nodes");
        rejected(client, service(name, "1", node("", "127.0.0.1:1")), "node id");
        rejected(client, service(name, "1", node("tab\there", "127.0.0.1:1")), "node id");
        rejected(client, service(name, "1", node(LONG, "127.0.0.1:1")), "node id");
        rejected(client, service(name, "1", node("n1", "")), "node address");
        rejected(client, service(name, "1", node("n1", "127.0.0.1:1"), node("n1", "127.0.0.1:2")), "node id");
        rejected(client, service(name, "1", node("n1", "127.0.0.1:1", Map.of("", "v"))), "node metadata key");
    }

    @Test
    void badArgumentsAreRejected() {
        Registry client = client();
        assertThatThrownBy(() -> client.register(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service");
        assertThatThrownBy(() -> client.register(service(uniqueName("o"), "1", node("n", "a:1")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("options");
        assertThatThrownBy(() -> client.deregister(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.getService(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> client.getService(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> client.watch(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.watch(WatchOptions.service(""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
    }

    @Test
    void aRejectedCallLosesNothingAndWritesNothing() {
        String name = uniqueName("loses-nothing");
        Registry client = client();
        Registry reader = client();
        Service good = service(name, "1", node("n1", "127.0.0.1:1"));
        client.register(good);
        await().until(() -> present(reader, name, "n1"));

        // Second node invalid: the whole call is rejected, so the valid first node is not written either.
        rejected(client, new Service(name, "1", Map.of(), List.of(),
                List.of(node("n2", "127.0.0.1:2"), node("bad\u0007", "127.0.0.1:3"))), "node id");

        await().during(Duration.ofMillis(500)).atMost(fixture().propagationBound())
                .untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(good));
    }
}
