package io.microregistry.tck;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Value;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Everything registered comes back exactly: metadata, endpoints, value trees, unicode, empties. */
public abstract class MetadataContract extends Contract {

    protected MetadataContract(RegistryFixture fixture) {
        super(fixture);
    }

    static Service richService(String name) {
        Map<String, String> nodeMetadata = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            nodeMetadata.put(String.format("key-%03d", i), i % 10 == 0 ? "" : "value " + i + " ✓ ünïcødé 日本語");
        }
        nodeMetadata.put("weight", "10");
        Value tree = new Value("request", "Request", List.of(
                Value.of("name", "string"),
                new Value("address", "Address", List.of(
                        Value.of("street", "string"),
                        new Value("geo", "Geo", List.of(Value.of("lat", "double"), Value.of("lng", "double"))))),
                Value.of("", "")));
        return new Service(name, "1.2.3-beta+ü",
                Map.of("team", "platform", "ключ", "значение", "empty", "", "emoji", "🚀"),
                List.of(
                        new Endpoint("Greeter.Hello", tree, Value.of("response", "Response"), Map.of("stream", "false")),
                        new Endpoint("Greeter.Stream", null, null, Map.of("stream", "true")),
                        Endpoint.of("Greeter.Bare")),
                List.of(new Node("node-1", "127.0.0.1:8080", nodeMetadata)));
    }

    @Test
    void everythingRoundTripsThroughGetService() {
        String name = uniqueName("metadata");
        Service service = richService(name);
        Registry writer = client();
        Registry reader = client();

        writer.register(service);

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(service));
    }

    @Test
    void everythingRoundTripsThroughListServices() {
        String name = uniqueName("metadata-list");
        Service service = richService(name);
        Registry writer = client();
        Registry reader = client();

        writer.register(service);

        await().untilAsserted(() -> assertThat(reader.listServices()).contains(service));
    }

    @Test
    void everythingRoundTripsThroughWatch() throws InterruptedException {
        String name = uniqueName("metadata-watch");
        Service service = richService(name);
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));

        writer.register(service);

        WatchEvent event = nextEventOf(watcher, name);
        assertThat(event.type()).isEqualTo(WatchEvent.Type.CREATE);
        assertThat(event.service()).isEqualTo(service);
    }

    @Test
    void nodesOfOneVersionKeepTheirOwnMetadata() {
        String name = uniqueName("node-metadata");
        Registry writer = client();
        Registry reader = client();
        Node a = node("a", "127.0.0.1:1", Map.of("zone", "eu", "weight", "1"));
        Node b = node("b", "127.0.0.1:2", Map.of("zone", "us"));
        writer.register(service(name, "1", a));
        writer.register(service(name, "1", b));

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(service(name, "1", a, b)));
    }
}
