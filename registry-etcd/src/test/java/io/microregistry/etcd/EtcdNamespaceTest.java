package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.backend.StoreRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client given a namespace keeps its records under that key root, apart from go-micro's default root. */
@Timeout(60)
class EtcdNamespaceTest {

    @Test
    void clientsOfDifferentNamespacesOnOneServerNeverSeeEachOther() throws Exception {
        try (EtcdFixture fixture = new EtcdFixture();
             StoreRegistry plain = EtcdFixture.open(RegistryConfig.of(fixture.address()));
             StoreRegistry teamA = EtcdFixture.open(RegistryConfig.of(fixture.address()).withNamespace("/team-a/registry"));
             StoreRegistry teamB = EtcdFixture.open(RegistryConfig.of(fixture.address()).withNamespace("/team-b"))) {
            Watcher teamAWatch = teamA.watch(WatchOptions.all());

            plain.register(service("greeter", "p1"));
            teamA.register(service("greeter", "a1"));
            teamB.register(service("greeter", "b1"));

            assertThat(ids(plain.getService("greeter"))).containsExactly("p1");
            assertThat(ids(teamA.getService("greeter"))).containsExactly("a1");
            assertThat(ids(teamB.listServices())).containsExactly("b1");
            WatchEvent first = teamAWatch.next(Duration.ofSeconds(10)).orElseThrow();
            assertThat(first.service().nodes().get(0).id()).isEqualTo("a1");
            assertThat(teamAWatch.next(Duration.ofMillis(500))).as("nothing of the other roots").isEmpty();

            Etcdctl etcdctl = new Etcdctl(fixture.address());
            assertThat(etcdctl.run("get", "--prefix", "--keys-only", "/team-a/registry/")).contains("/team-a/registry/greeter/a1");
            assertThat(etcdctl.run("get", "--prefix", "--keys-only", "/micro/registry/")).contains("/micro/registry/greeter/p1")
                    .doesNotContain("a1").doesNotContain("b1");
        }
    }

    private static Service service(String name, String nodeId) {
        return new Service(name, "1.0", Map.of(), List.of(), List.of(Node.of(nodeId, "127.0.0.1:1")));
    }

    private static List<String> ids(List<Service> versions) {
        return versions.stream().flatMap(v -> v.nodes().stream()).map(Node::id).toList();
    }
}
