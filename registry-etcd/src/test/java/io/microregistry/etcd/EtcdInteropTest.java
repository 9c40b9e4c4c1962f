package io.microregistry.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.ServiceJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperation with go-micro through etcd: a record put with {@code etcdctl} exactly as a
 * Go service writes it (shared/interop/etcd-value.json) is found and watched; a service
 * registered from Java lands under go-micro's key in go-micro's JSON shape.
 */
class EtcdInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EtcdServer server;
    private static String goValue;
    private static Service goService;

    @BeforeAll
    static void setUp() throws IOException {
        server = EtcdServer.startSingle();
        String text = sample();
        // The sample file ends with a newline for the editor's sake; Go's json.Marshal writes none.
        goValue = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        goService = ServiceJson.decode(goValue);
    }

    @AfterAll
    static void stopEtcd() {
        server.close();
    }

    /** The go-micro sample, byte for byte, from ../shared/interop (surefire passes its folder as shared.dir). */
    static String sample() throws IOException {
        return java.nio.file.Files.readString(
                java.nio.file.Path.of(System.getProperty("shared.dir"), "interop", "etcd-value.json"), StandardCharsets.UTF_8);
    }

    private static String goKey() {
        return "/micro/registry/" + goService.name() + "/" + goService.nodes().get(0).id();
    }

    @Test
    void aRecordWrittenByGoIsFoundAndWatched() throws InterruptedException {
        try (Registry registry = EtcdFixture.open(io.microregistry.RegistryConfig.of(server.address()))) {
            Watcher watcher = registry.watch(WatchOptions.service(goService.name()));

            new Etcdctl(server.address()).run("put", goKey(), goValue);

            assertThat(new Etcdctl(server.address()).run("get", goKey(), "--print-value-only"))
                    .as("stored byte for byte").isEqualTo(goValue + "\n");
            List<Service> found = registry.getService(goService.name());
            assertThat(found).singleElement().satisfies(s -> {
                assertThat(s.version()).isEqualTo("latest");
                assertThat(s.metadata()).isEmpty();
                assertThat(s.endpoints()).singleElement().satisfies(e -> {
                    assertThat(e.name()).isEqualTo("Say.Hello");
                    assertThat(e.request().values()).singleElement()
                            .satisfies(v -> assertThat(v.name()).isEqualTo("name"));
                    assertThat(e.metadata()).containsEntry("stream", "false");
                });
                assertThat(s.nodes()).singleElement().satisfies(n -> {
                    assertThat(n.id()).isEqualTo("go.micro.srv.greeter-9f0c3b6e-5b7a-4c1e-a1d2-7e4f1c2b8d90");
                    assertThat(n.address()).isEqualTo("127.0.0.1:40123");
                    assertThat(n.metadata()).containsEntry("registry", "etcd").containsEntry("transport", "http");
                });
            });
            assertThat(found.get(0)).isEqualTo(goService);
            assertThat(registry.listServices()).contains(goService);

            WatchEvent event = watcher.next(Duration.ofSeconds(5)).orElseThrow();
            assertThat(event.type()).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(event.service()).isEqualTo(goService);

            new Etcdctl(server.address()).run("del", goKey());
            assertThat(watcher.next(Duration.ofSeconds(5))).hasValueSatisfying(e -> {
                assertThat(e.type()).isEqualTo(WatchEvent.Type.DELETE);
                assertThat(e.service()).isEqualTo(goService);
            });
        }
    }

    @Test
    void aServiceRegisteredFromJavaReadsBackInGoMicrosShapeUnderGoMicrosKey() throws IOException {
        try (Registry registry = EtcdFixture.open(io.microregistry.RegistryConfig.of(server.address()))) {
            registry.register(goService, RegisterOptions.ttl(Duration.ofSeconds(30)));

            String stored = new Etcdctl(server.address()).run("get", goKey(), "--print-value-only").trim();

            assertSameShape("", JSON.readTree(stored), JSON.readTree(goValue));
            assertThat(ServiceJson.decode(stored)).isEqualTo(goService);
            String leaseJson = new Etcdctl(server.address()).run("get", goKey(), "-w", "json");
            assertThat(leaseJson).as("attached to a lease").containsPattern("\"lease\":[1-9]");
            registry.deregister(goService.withNodes(List.of(new Node(goService.nodes().get(0).id(), "", null))));
        }
    }

    /**
     * Same field names at every level, same scalars; Go's {@code null} for a nil map or slice
     * counts as the empty one Java writes.
     */
    private static void assertSameShape(String path, JsonNode ours, JsonNode theirs) {
        if (isEmpty(ours) && isEmpty(theirs)) {
            return;
        }
        assertThat(ours.getNodeType()).as(path + " type").isEqualTo(theirs.getNodeType());
        if (ours.isObject()) {
            assertThat(names(ours)).as(path + " fields").containsExactlyElementsOf(names(theirs));
            for (String name : names(ours)) {
                assertSameShape(path + "." + name, ours.get(name), theirs.get(name));
            }
        } else if (ours.isArray()) {
            assertThat(ours.size()).as(path + " size").isEqualTo(theirs.size());
            for (int i = 0; i < ours.size(); i++) {
                assertSameShape(path + "[" + i + "]", ours.get(i), theirs.get(i));
            }
        } else {
            assertThat(ours).as(path).isEqualTo(theirs);
        }
    }

    private static boolean isEmpty(JsonNode node) {
        return node.isNull() || (node.isContainerNode() && node.isEmpty());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
