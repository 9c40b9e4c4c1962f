package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 3-member etcd cluster on loopback. jetcd balances one client's calls and streams over
 * every member listed, so "the member the client talks to" is found from the members' own
 * metrics: first the one carrying the client's lease keep-alive stream is stopped, then the
 * one carrying its watch stream. Each time the registration must stay, the watcher must keep
 * delivering, and a new registration must succeed.
 */
class EtcdClusterTest {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdClusterTest.class);
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final String NAME = "cluster.a";

    private static final List<EtcdServer> members = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        for (int i = 0; i < 3; i++) {
            members.add(EtcdServer.create("m" + i));
        }
        String initialCluster = members.stream().map(m -> m.name() + "=" + m.peerUrl())
                .collect(Collectors.joining(","));
        members.forEach(m -> m.joinCluster(initialCluster));
        members.forEach(EtcdServer::startProcess);
        members.forEach(EtcdServer::awaitHealthy);
    }

    @AfterAll
    static void stopCluster() {
        members.forEach(EtcdServer::close);
    }

    private static Service service(String nodeId) {
        return Service.builder(NAME).version("1").node(new Node(nodeId, "10.0.0.1:1", Map.of())).build();
    }

    @Test
    void losingTheMemberTheClientTalksToLosesNothing() throws InterruptedException {
        RegistryConfig config = RegistryConfig.of(members.stream().map(EtcdServer::address).toArray(String[]::new));
        try (Registry registry = EtcdFixture.open(config);
             Registry observer = EtcdFixture.open(config)) {
            registry.register(service("n1"), RegisterOptions.ttl(TTL));
            Watcher watcher = registry.watch(WatchOptions.service(NAME));

            loseMemberCarrying("LeaseKeepAlive", registry, observer, watcher, "n2");
            loseMemberCarrying("Watch", registry, observer, watcher, "n3");
        }
    }

    /**
     * A watcher whose only member is down while others change the registry and compact the
     * history: when the member is back, the revision to resume from is gone, so the watcher
     * must re-read and deliver the difference (or, if the member answered before applying the
     * compaction, the events themselves). Either way its events must add up to what is there.
     */
    @Test
    void aWatcherBackFromAnOutageDuringWhichHistoryWasCompactedCatchesUp() throws InterruptedException {
        EtcdServer lonely = members.get(0);
        EtcdServer other = members.get(1);
        String name = "cluster.compacted";
        try (Registry watching = EtcdFixture.open(RegistryConfig.of(lonely.address()));
             Registry writer = EtcdFixture.open(RegistryConfig.of(other.address(), members.get(2).address()))) {
            Watcher watcher = watching.watch(WatchOptions.service(name));
            Duration ttl = Duration.ofSeconds(60);
            writer.register(Service.builder(name).version("1").node(new Node("n1", "10.0.0.1:1", Map.of())).build(),
                    RegisterOptions.ttl(ttl));
            assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);

            lonely.stop();
            try {
                writer.register(Service.builder(name).version("1").node(new Node("n2", "10.0.0.2:2", Map.of()))
                        .build(), RegisterOptions.ttl(ttl));
                writer.register(Service.builder(name).version("1").node(new Node("n1", "10.0.0.9:9", Map.of()))
                        .build(), RegisterOptions.ttl(ttl));
                Service flicker = Service.builder(name).version("1").node(new Node("n3", "10.0.0.3:3", Map.of()))
                        .build();
                writer.register(flicker, RegisterOptions.ttl(ttl));
                writer.deregister(flicker);
                Etcdctl etcdctl = new Etcdctl(other.address());
                String status = etcdctl.run("get", "/micro/registry/", "--prefix", "--keys-only", "-w", "json");
                long revision = Long.parseLong(status.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
                etcdctl.run("compact", Long.toString(revision));
            } finally {
                lonely.start();
            }

            Map<String, String> live = new java.util.HashMap<>(Map.of("n1", "10.0.0.1:1"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Map.of("n1", "10.0.0.9:9", "n2", "10.0.0.2:2").equals(live) && System.nanoTime() < deadline) {
                watcher.next(Duration.ofMillis(200)).ifPresent(e -> {
                    if (e.type() == WatchEvent.Type.DELETE) {
                        live.remove(e.node().id());
                    } else {
                        live.put(e.node().id(), e.node().address());
                    }
                });
            }
            assertThat(live).as("what the watcher's events add up to")
                    .isEqualTo(Map.of("n1", "10.0.0.9:9", "n2", "10.0.0.2:2"));
            writer.register(Service.builder(name).version("1").node(new Node("n4", "10.0.0.4:4", Map.of())).build(),
                    RegisterOptions.ttl(ttl));
            WatchEvent next = watcher.next(Duration.ofSeconds(10)).orElseThrow();
            assertThat(next.type() + " " + next.node().id()).isEqualTo("CREATE n4");
        }
    }

    private void loseMemberCarrying(String stream, Registry registry, Registry observer, Watcher watcher,
                                    String newNode) throws InterruptedException {
        EtcdServer[] carrier = new EtcdServer[1];
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            carrier[0] = members.stream().filter(m -> openStreams(m, stream) > 0).findFirst().orElse(null);
            assertThat(carrier[0]).as("the member carrying the client's " + stream + " stream").isNotNull();
        });
        EtcdServer member = carrier[0];
        List<EtcdServer> others = members.stream().filter(m -> m != member).toList();
        LOG.info("stopping {}, which carries the client's {} stream", member.name(), stream);
        member.stop();
        try {
            others.forEach(EtcdServer::awaitHealthy);

            // The registration stays: present throughout several TTLs.
            await().during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(5))
                    .until(() -> observer.getService(NAME).stream().mapToLong(s -> s.nodes().size()).sum()
                            == registry.getService(NAME).get(0).nodes().size());
            // The client that lost its member registers anew, and its watcher delivers it.
            registry.register(service(newNode), RegisterOptions.ttl(TTL));
            WatchEvent event = watcher.next(Duration.ofSeconds(10)).orElseThrow();
            assertThat(event.type()).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(event.node().id()).isEqualTo(newNode);
            assertThat(watcher.next(Duration.ZERO)).as("no other event, in particular no DELETE").isEmpty();
            assertThat(observer.getService(NAME)).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).contains("n1", newNode));
        } finally {
            member.start();
        }
    }

    /** How many gRPC streams of {@code method} the member has open now, from its metrics. */
    private static long openStreams(EtcdServer member, String method) {
        if (!member.running()) {
            return 0;
        }
        try (InputStream in = new URL(member.plainUrl() + "/metrics").openStream()) {
            String selector = "grpc_method=\"" + method + "\",grpc_service=\"etcdserverpb.";
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return sum(lines, "grpc_server_started_total{", selector) - sum(lines, "grpc_server_handled_total{", selector);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read metrics of " + member.name(), e);
        }
    }

    private static long sum(List<String> lines, String metric, String selector) {
        return lines.stream().filter(line -> line.startsWith(metric) && line.contains(selector))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
