package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.ServiceJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** etcd-specific behaviour beyond the TCK, against a real etcd. */
class EtcdRegistryTest {

    private static EtcdFixture fixture;
    private final List<Registry> clients = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        fixture = new EtcdFixture();
    }

    @AfterAll
    static void stopEtcd() {
        fixture.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(Registry::close);
    }

    private Registry client() {
        Registry registry = fixture.newClient();
        clients.add(registry);
        return registry;
    }

    private static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Service service(String name, String nodeId, String address) {
        return Service.builder(name).version("1.0").metadata("k", "v")
                .node(new Node(nodeId, address, Map.of("n", "1"))).build();
    }

    @Test
    void writesGoMicroKeyAndValue() {
        Registry registry = client();
        String name = unique("go.micro.srv.wire");
        Service service = service(name, "node-1", "10.0.0.1:8080");
        registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(30)));

        String key = "/micro/registry/" + name + "/node-1";
        String value = new Etcdctl(fixture.address()).run("get", key, "--print-value-only").trim();

        assertThat(value).isEqualTo(ServiceJson.encodeToString(service));
        assertThat(ServiceJson.decode(value)).isEqualTo(service);
    }

    @Test
    void slashNamesAreReadFromGoMicrosKeyAndWrittenToAnUnambiguousOne() {
        Registry registry = client();
        String base = unique("x");
        String slash = base + "/y";
        String dash = base + "-y";
        Etcdctl etcdctl = new Etcdctl(fixture.address());
        // What a Go service registering "x/y" writes: its name with / turned into -.
        Service goRecord = service(slash, "n1", "10.0.0.1:1");
        etcdctl.run("put", "/micro/registry/" + dash + "/n1", ServiceJson.encodeToString(goRecord));
        registry.register(service(dash, "n2", "10.0.0.2:2"));
        registry.register(service(slash, "n3", "10.0.0.3:3"));

        assertThat(etcdctl.run("get", "--prefix", "/micro/registry/" + base + "%2Fy/", "--keys-only"))
                .contains("/micro/registry/" + base + "%2Fy/n3");
        assertThat(registry.getService(slash)).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n1", "n3"));
        assertThat(registry.getService(dash)).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n2"));

        registry.deregister(service(slash, "n1", "10.0.0.1:1"));

        assertThat(registry.getService(slash)).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n3"));
        assertThat(registry.getService(dash)).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n2"));
    }

    @Test
    void namesSharingAKeySegmentStayApart() {
        Registry registry = client();
        String base = unique("mix");
        Service slash = service(base + "/b", "n1", "10.0.0.1:1");
        Service dash = service(base + "-b", "n2", "10.0.0.2:2");
        registry.register(slash);
        registry.register(dash);

        assertThat(registry.getService(base + "/b")).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n1"));
        assertThat(registry.getService(base + "-b")).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n2"));
    }

    @Test
    void undecodableRecordsAreSkippedByReadsAndWatches() throws InterruptedException {
        Registry registry = client();
        String name = unique("bad");
        Watcher watcher = registry.watch(WatchOptions.service(name));
        Etcdctl etcdctl = new Etcdctl(fixture.address());
        etcdctl.run("put", "/micro/registry/" + name + "/garbage", "{not json");
        etcdctl.run("put", "/micro/registry/" + name + "/no-nodes", "{\"name\":\"" + name + "\",\"nodes\":[]}");
        Service good = service(name, "good", "10.0.0.3:3");
        registry.register(good);

        assertThat(registry.getService(name)).singleElement()
                .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("good"));
        assertThat(registry.listServices()).extracting(Service::name).contains(name);
        Optional<WatchEvent> event = watcher.next(Duration.ofSeconds(5));
        assertThat(event).hasValueSatisfying(e -> {
            assertThat(e.type()).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(e.node().id()).isEqualTo("good");
        });
    }

    @Test
    void identicalReRegistrationEmitsNothingAndAChangeEmitsUpdate() throws InterruptedException {
        Registry registry = client();
        String name = unique("update");
        Watcher watcher = registry.watch(WatchOptions.service(name));
        Service service = service(name, "n1", "10.0.0.1:1");
        registry.register(service);
        assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);

        registry.register(service);
        Service moved = service(name, "n1", "10.0.0.9:9");
        registry.register(moved);

        WatchEvent next = watcher.next(Duration.ofSeconds(5)).orElseThrow();
        assertThat(next.type()).isEqualTo(WatchEvent.Type.UPDATE);
        assertThat(next.node().address()).isEqualTo("10.0.0.9:9");
    }

    @Test
    void changingTheTtlMovesTheNodeWithoutAnEvent() throws InterruptedException {
        Registry registry = client();
        Registry observer = client();
        String name = unique("ttl");
        Service service = service(name, "n1", "10.0.0.1:1");
        registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(30)));
        Watcher watcher = observer.watch(WatchOptions.service(name));

        registry.register(service, RegisterOptions.ttl(Duration.ofSeconds(2)));

        // Alive well past the old lease's revocation and several new-TTL periods.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> observer.getService(name).size() == 1);
        assertThat(watcher.next(Duration.ZERO)).isEmpty();
    }

    @Test
    void closeRevokesSoNodesVanishAtOnce() {
        Registry registry = fixture.newClient();
        Registry observer = client();
        String name = unique("close");
        registry.register(service(name, "n1", "10.0.0.1:1"), RegisterOptions.ttl(Duration.ofSeconds(60)));
        assertThat(observer.getService(name)).hasSize(1);

        registry.close();

        assertThat(observer.getService(name)).isEmpty();
    }

    @Test
    void abandonThenCloseLeavesNodesToExpireWithTheirTtl() {
        StoreRegistry registry = (StoreRegistry) fixture.newClient();
        Registry observer = client();
        String name = unique("abandon");
        registry.register(service(name, "n1", "10.0.0.1:1"), RegisterOptions.ttl(Duration.ofSeconds(3)));

        Instant abandoned = Instant.now();
        registry.abandon();
        registry.close();

        assertThat(observer.getService(name)).as("still there right after abandon + close").hasSize(1);
        await().atMost(Duration.ofSeconds(3 + 5)).until(() -> observer.getService(name).isEmpty());
        assertThat(Duration.between(abandoned, Instant.now())).isGreaterThan(Duration.ofSeconds(1));
    }

    @Test
    void leaseRevokedBehindOurBackIsGrantedAgainAndThePutRepeated() throws InterruptedException {
        Registry registry = client();
        Registry observer = client();
        String name = unique("revoked");
        // Keep-alives go out every TTL/3: a short TTL makes jetcd notice the revoked lease soon.
        registry.register(service(name, "n1", "10.0.0.1:1"), RegisterOptions.ttl(Duration.ofSeconds(3)));
        Watcher watcher = observer.watch(WatchOptions.service(name));
        Etcdctl etcdctl = new Etcdctl(fixture.address());
        String json = etcdctl.run("get", "/micro/registry/" + name + "/n1", "-w", "json");
        long lease = Long.parseLong(json.replaceAll("(?s).*\"lease\":(\\d+).*", "$1"));

        etcdctl.run("lease", "revoke", Long.toHexString(lease));

        assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.DELETE);
        assertThat(watcher.next(Duration.ofSeconds(10))).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);
        assertThat(observer.getService(name)).hasSize(1);
    }

    @Test
    void callsAgainstNoServerFailWithinTheTimeout() {
        int port = EtcdServer.freePort();
        Registry registry = EtcdFixture.open(RegistryConfig.of("127.0.0.1:" + port)
                .withTimeout(Duration.ofMillis(800)));
        clients.add(registry);
        long start = System.nanoTime();
        assertThatThrownBy(() -> registry.getService("x"))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port)
                .cause().isNotNull();
        assertThatThrownBy(() -> registry.register(service("x", "n", "a:1")))
                .isInstanceOf(RegistryUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void badAddressesAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of("ftp://x:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of("nohost")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of("127.0.0.1:1").withCredentials("root", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
    }

    @Test
    void callsAfterCloseThrowIllegalState() {
        Registry registry = fixture.newClient();
        registry.close();
        registry.close();
        assertThatThrownBy(() -> registry.getService("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> registry.register(service("x", "n", "a:1"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(registry::watch).isInstanceOf(IllegalStateException.class);
    }
}
