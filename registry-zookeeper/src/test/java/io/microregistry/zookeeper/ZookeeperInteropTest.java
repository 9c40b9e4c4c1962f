package io.microregistry.zookeeper;

import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.ServiceJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records as go-micro writes them (PERSISTENT znodes at {@code /micro-registry/<svc>/<id>},
 * the JSON of {@code shared/interop/etcd-value.json}) are found,
 * listed and watched; what this client writes is what go-micro reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZookeeperInteropTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private ZookeeperFixture fixture;
    private CuratorFramework goMicro;

    @BeforeAll
    void start() throws InterruptedException {
        fixture = new ZookeeperFixture();
        goMicro = RawClient.connect(fixture.connectString(), null);
    }

    @AfterAll
    void stop() {
        goMicro.close();
        fixture.close();
    }

    private static byte[] sample() throws IOException {
        // The sample lives once, in ../shared/interop; surefire passes its folder as shared.dir.
        return java.nio.file.Files.readAllBytes(
                java.nio.file.Path.of(System.getProperty("shared.dir"), "interop", "etcd-value.json"));
    }

    /** The sample under a service name of this test, so tests do not see each other. */
    private static byte[] sampleNamed(String name, String nodeId) throws IOException {
        String json = new String(sample(), StandardCharsets.UTF_8)
                .replace("\"go.micro.srv.greeter\"", "\"" + name + "\"")
                .replace("\"go.micro.srv.greeter-9f0c3b6e-5b7a-4c1e-a1d2-7e4f1c2b8d90\"", "\"" + nodeId + "\"");
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a record the way go-micro's ZooKeeper registry does: persistent znodes, parents too. */
    private void goMicroRegister(String serviceSegment, String nodeSegment, byte[] value) throws Exception {
        goMicro.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                .forPath("/micro-registry/" + serviceSegment + "/" + nodeSegment, value);
    }

    @Test
    void persistentGoMicroRecordIsFoundAndListed() throws Exception {
        byte[] value = sample();
        Service expected = ServiceJson.decode(value);
        goMicroRegister("go.micro.srv.greeter", expected.nodes().get(0).id(), value);
        try (Registry registry = fixture.newClient()) {
            List<Service> found = registry.getService("go.micro.srv.greeter");
            assertThat(found).hasSize(1);
            Service service = found.get(0);
            assertThat(service.version()).isEqualTo("latest");
            assertThat(service.metadata()).isEmpty();
            assertThat(service.endpoints()).hasSize(1);
            assertThat(service.endpoints().get(0).name()).isEqualTo("Say.Hello");
            assertThat(service.endpoints().get(0).metadata()).containsEntry("stream", "false");
            assertThat(service.nodes()).singleElement().satisfies(node -> {
                assertThat(node.id()).isEqualTo("go.micro.srv.greeter-9f0c3b6e-5b7a-4c1e-a1d2-7e4f1c2b8d90");
                assertThat(node.address()).isEqualTo("127.0.0.1:40123");
                assertThat(node.metadata()).containsEntry("registry", "etcd").containsEntry("protocol", "mucp");
            });
            assertThat(service).isEqualTo(expected);
            assertThat(registry.listServices()).contains(expected);
        }
    }

    @Test
    void persistentGoMicroRecordsAreWatched() throws Exception {
        String name = "go.micro.srv.watched-" + UUID.randomUUID();
        try (Registry registry = fixture.newClient()) {
            Watcher all = registry.watch(WatchOptions.all());
            Watcher one = registry.watch(WatchOptions.service(name));
            byte[] value = sampleNamed(name, "node-1");
            goMicroRegister(name, "node-1", value);

            for (Watcher watcher : List.of(all, one)) {
                WatchEvent created = next(watcher, name);
                assertThat(created.type()).isEqualTo(WatchEvent.Type.CREATE);
                assertThat(created.service()).isEqualTo(ServiceJson.decode(value));
            }

            byte[] moved = new String(value, StandardCharsets.UTF_8).replace("127.0.0.1:40123", "127.0.0.1:40124")
                    .getBytes(StandardCharsets.UTF_8);
            goMicro.setData().forPath("/micro-registry/" + name + "/node-1", moved);
            for (Watcher watcher : List.of(all, one)) {
                WatchEvent updated = next(watcher, name);
                assertThat(updated.type()).isEqualTo(WatchEvent.Type.UPDATE);
                assertThat(updated.node().address()).isEqualTo("127.0.0.1:40124");
            }

            // Same bytes again: a version bump, but no change of record, so no event.
            goMicro.setData().forPath("/micro-registry/" + name + "/node-1", moved);
            goMicro.delete().forPath("/micro-registry/" + name + "/node-1");
            for (Watcher watcher : List.of(all, one)) {
                WatchEvent deleted = next(watcher, name);
                assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
                assertThat(deleted.node().address()).as("DELETE carries the last known record")
                        .isEqualTo("127.0.0.1:40124");
            }
        }
    }

    @Test
    void goMicroSegmentOfANameWithSlashIsReadButLookalikesAreNot() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String slashed = "go/micro/" + suffix;
        String dashed = "go-micro-" + suffix;
        // go-micro writes both at /micro-registry/go-micro-<suffix>/...
        goMicroRegister(dashed, "a", sampleNamed(slashed, "a"));
        goMicroRegister(dashed, "b", sampleNamed(dashed, "b"));
        try (Registry registry = fixture.newClient()) {
            assertThat(registry.getService(slashed)).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(n -> n.id()).containsExactly("a"));
            assertThat(registry.getService(dashed)).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(n -> n.id()).containsExactly("b"));

            // Deregistering the slashed name's node removes go-micro's znode, not the lookalike's.
            registry.deregister(new Service(slashed, "latest", null, null, List.of(io.microregistry.Node.of("a", ""))));
            assertThat(goMicro.checkExists().forPath("/micro-registry/" + dashed + "/a")).isNull();
            assertThat(goMicro.checkExists().forPath("/micro-registry/" + dashed + "/b")).isNotNull();
        }
    }

    @Test
    void undecodableRecordsAreSkipped() throws Exception {
        String name = "go.micro.srv.mixed-" + UUID.randomUUID();
        goMicroRegister(name, "good", sampleNamed(name, "good"));
        goMicroRegister(name, "garbage", "not json".getBytes(StandardCharsets.UTF_8));
        goMicroRegister(name, "array", "[1,2]".getBytes(StandardCharsets.UTF_8));
        try (Registry registry = fixture.newClient()) {
            for (int i = 0; i < 3; i++) { // read repeatedly: still skipped (and warned about once per path)
                assertThat(registry.getService(name)).singleElement()
                        .satisfies(s -> assertThat(s.nodes()).extracting(n -> n.id()).containsExactly("good"));
            }
            assertThat(registry.listServices()).filteredOn(s -> s.name().equals(name)).hasSize(1);
        }
    }

    @Test
    void ourRecordIsAnEphemeralZnodeAtTheGoMicroPathWithTheGoMicroJson() throws Exception {
        String name = "go.micro.srv.java-" + UUID.randomUUID();
        Service service = Service.builder(name).version("1.0").metadata("k", "v")
                .node(new io.microregistry.Node("java-1", "10.0.0.1:8080", Map.of("zone", "a"))).build();
        try (Registry registry = fixture.newClient()) {
            registry.register(service);
            Stat stat = new Stat();
            byte[] stored = goMicro.getData().storingStatIn(stat).forPath("/micro-registry/" + name + "/java-1");
            assertThat(stat.getEphemeralOwner()).as("EPHEMERAL znode").isNotZero();
            assertThat(ServiceJson.decode(stored)).isEqualTo(service);
            assertThat(new String(stored, StandardCharsets.UTF_8))
                    .contains("\"name\":\"" + name + "\"", "\"nodes\":[{\"id\":\"java-1\"");
        }
        await().atMost(BOUND).until(() -> goMicro.checkExists().forPath("/micro-registry/" + name + "/java-1") == null);
    }

    private static WatchEvent next(Watcher watcher, String name) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            var event = watcher.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (event.isPresent() && event.get().service().name().equals(name)) {
                return event.get();
            }
        }
        throw new AssertionError("no watch event about " + name + " within " + BOUND);
    }
}
