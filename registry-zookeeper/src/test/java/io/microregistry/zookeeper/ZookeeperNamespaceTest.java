package io.microregistry.zookeeper;

import io.microregistry.Node;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client given a namespace keeps its znodes under that root, apart from go-micro's {@code /micro-registry}. */
@Timeout(90)
class ZookeeperNamespaceTest {

    @Test
    void clientsOfDifferentNamespacesOnOneServerNeverSeeEachOther() throws Exception {
        try (ZookeeperServer server = ZookeeperServer.start();
             Registry plain = Registries.open("zookeeper", RegistryConfig.of(server.connectString()));
             Registry teamA = Registries.open("zookeeper",
                     RegistryConfig.of(server.connectString()).withNamespace("/team-a/registry"));
             Registry teamB = Registries.open("zookeeper",
                     RegistryConfig.of(server.connectString()).withNamespace("/team-b"))) {
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

            CuratorFramework raw = RawClient.connect(server.connectString(), null);
            try {
                assertThat(raw.getChildren().forPath("/team-a/registry/greeter")).containsExactly("a1");
                assertThat(raw.getChildren().forPath("/micro-registry/greeter")).containsExactly("p1");
            } finally {
                raw.close();
            }
        }
    }

    private static Service service(String name, String nodeId) {
        return new Service(name, "1.0", Map.of(), List.of(), List.of(Node.of(nodeId, "127.0.0.1:1")));
    }

    private static List<String> ids(List<Service> versions) {
        return versions.stream().flatMap(v -> v.nodes().stream()).map(Node::id).toList();
    }
}
