package io.microregistry.zookeeper;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.backend.ServiceJson;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Digest auth: a client with credentials writes znodes that everyone can read and only its
 * own identity can overwrite or delete; it serves only records from directories that only its
 * identity could add to (issue 15: no forged node, no squatted directory).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZookeeperAuthTest {

    private ZookeeperFixture fixture;

    @BeforeAll
    void start() {
        fixture = new ZookeeperFixture();
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    private Registry client(String user, String password) {
        return Registries.open("zookeeper", RegistryConfig.of(fixture.connectString()).withCredentials(user, password));
    }

    private static Service service(String name, String nodeId) {
        return Service.builder(name).version("1").node(nodeId, "127.0.0.1:1").build();
    }

    @Test
    void othersCanReadButNotDeleteOrOverwrite() throws Exception {
        String name = "secured-" + UUID.randomUUID();
        String path = "/micro-registry/" + name + "/n1";
        try (Registry alice = client("alice", "secret");
             Registry bob = client("bob", "other");
             CuratorFramework bobRaw = RawClient.connect(fixture.connectString(), "bob:other");
             CuratorFramework anonymous = RawClient.connect(fixture.connectString(), null);
             CuratorFramework wrongPassword = RawClient.connect(fixture.connectString(), "alice:guess")) {
            alice.register(service(name, "n1"));

            // Everyone reads the znode; a registry client of another identity does not serve it,
            // since it cannot tell alice's records from forged ones (see DirectoryTrust).
            assertThat(bob.getService(name)).isEmpty();
            assertThat(ServiceJson.decode(anonymous.getData().forPath(path))).isEqualTo(service(name, "n1"));

            // Nobody else deletes or overwrites, whatever client they use.
            for (CuratorFramework other : List.of(bobRaw, anonymous, wrongPassword)) {
                assertThatThrownBy(() -> other.delete().forPath(path)).isInstanceOf(KeeperException.NoAuthException.class);
                assertThatThrownBy(() -> other.setData().forPath(path, "x".getBytes(StandardCharsets.UTF_8)))
                        .isInstanceOf(KeeperException.NoAuthException.class);
            }
            assertThatThrownBy(() -> bob.deregister(service(name, "n1")))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("deregister")
                    .hasCauseInstanceOf(KeeperException.NoAuthException.class);
            // Nor registers into our service's directory.
            assertThatThrownBy(() -> bob.register(service(name, "n1")))
                    .isInstanceOf(RegistryAuthenticationException.class);
            assertThatThrownBy(() -> bob.register(service(name, "bobs")))
                    .isInstanceOf(RegistryAuthenticationException.class);
            assertThat(alice.getService(name)).containsExactly(service(name, "n1"));

            // The ACLs say so: ALL for alice's digest, READ for the world.
            List<ACL> acl = anonymous.getACL().forPath(path);
            assertThat(acl).anySatisfy(a -> {
                assertThat(a.getId().getScheme()).isEqualTo("digest");
                assertThat(a.getId().getId()).startsWith("alice:");
                assertThat(a.getPerms()).isEqualTo(ZooDefs.Perms.ALL);
            });
            assertThat(acl).anySatisfy(a -> {
                assertThat(a.getId()).isEqualTo(ZooDefs.Ids.ANYONE_ID_UNSAFE);
                assertThat(a.getPerms()).isEqualTo(ZooDefs.Perms.READ);
            });

            // Bob can still register services of his own: the root lets anyone create.
            String bobs = "bobs-" + UUID.randomUUID();
            bob.register(service(bobs, "b1"));
            assertThat(bob.getService(bobs)).containsExactly(service(bobs, "b1"));
            assertThat(alice.getService(bobs)).isEmpty();
        }
    }

    @Test
    void aNodeForgedByAnAnonymousClientInGoMicrosFormOfTheNameIsNeverServed() throws Exception {
        String name = "team/api-" + UUID.randomUUID();
        String forgedPath = ZookeeperPaths.ROOT + "/" + name.replace('/', '-') + "/forged";
        Service forged = Service.builder(name).version("1").node("forged", "6.6.6.6:666").build();
        try (Registry alice = client("alice", "secret");
             Registry aliceReader = client("alice", "secret");
             CuratorFramework anonymous = RawClient.connect(fixture.connectString(), null)) {
            alice.register(service(name, "n1"));
            Watcher watcher = aliceReader.watch(WatchOptions.service(name));
            Watcher all = aliceReader.watch(WatchOptions.all());

            anonymous.create().creatingParentsIfNeeded().forPath(forgedPath, ServiceJson.encode(forged));

            // A legitimate change afterwards: the watchers deliver it, and nothing forged before it.
            alice.register(service(name, "n2"));
            WatchEvent first = watcher.next(Duration.ofSeconds(10)).orElseThrow();
            assertThat(first.node().id()).as("%s", first).isEqualTo("n2");
            WatchEvent seen;
            do {
                seen = all.next(Duration.ofSeconds(10)).orElseThrow();
                assertThat(seen.node().id()).as("forged node delivered to a watch of everything").isNotEqualTo("forged");
            } while (!seen.node().id().equals("n2"));
            assertThat(aliceReader.getService(name)).containsExactly(
                    Service.builder(name).version("1").node("n1", "127.0.0.1:1").node("n2", "127.0.0.1:1").build());
            assertThat(aliceReader.listServices()).flatExtracting(Service::nodes).extracting(io.microregistry.Node::id)
                    .doesNotContain("forged");
            // Without credentials a reader trusts everything, as go-micro does.
            try (Registry open = fixture.newClient()) {
                assertThat(open.getService(name).get(0).nodes()).extracting(io.microregistry.Node::id)
                        .contains("forged");
            }
        }
    }

    @Test
    void aSquattedDirectoryIsTakenBackIfEmptyAndOtherwiseNeitherWrittenNorServed() throws Exception {
        String squatted = "squat-" + UUID.randomUUID();
        String occupied = "occupied-" + UUID.randomUUID();
        String disguised = "disguised-" + UUID.randomUUID();
        try (Registry alice = client("alice", "secret");
             CuratorFramework anonymous = RawClient.connect(fixture.connectString(), null)) {
            // An empty directory created first by someone else, with an open ACL.
            anonymous.create().creatingParentsIfNeeded().forPath(ZookeeperPaths.DEFAULT.service(squatted));
            alice.register(service(squatted, "n1"));
            String node = ZookeeperPaths.DEFAULT.node(squatted, "n1");
            assertThatThrownBy(() -> anonymous.delete().forPath(node)).isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> anonymous.create().forPath(ZookeeperPaths.DEFAULT.node(squatted, "forged")))
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThat(alice.getService(squatted)).containsExactly(service(squatted, "n1"));

            // A squatted directory that already holds a (forged) node: refused, and not served.
            anonymous.create().creatingParentsIfNeeded().forPath(ZookeeperPaths.DEFAULT.node(occupied, "forged"),
                    ServiceJson.encode(service(occupied, "forged")));
            assertThatThrownBy(() -> alice.register(service(occupied, "n1")))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(ZookeeperPaths.DEFAULT.service(occupied));
            assertThat(alice.getService(occupied)).isEmpty();

            // Open while the forged node went in, then closed to look like ours: still not trusted.
            anonymous.create().creatingParentsIfNeeded().forPath(ZookeeperPaths.DEFAULT.node(disguised, "forged"),
                    ServiceJson.encode(service(disguised, "forged")));
            List<ACL> looksLikeAlices = List.of(
                    new ACL(ZooDefs.Perms.ALL, new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret"))),
                    new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE));
            anonymous.setACL().withACL(looksLikeAlices).forPath(ZookeeperPaths.DEFAULT.service(disguised));
            assertThat(alice.getService(disguised)).isEmpty();
        }
    }

    @Test
    void anotherClientWithTheSameCredentialsCanDeregister() throws Exception {
        String name = "shared-identity-" + UUID.randomUUID();
        try (Registry first = client("carol", "pw");
             Registry second = client("carol", "pw")) {
            first.register(service(name, "n1"));
            second.deregister(service(name, "n1"));
            assertThat(first.getService(name)).isEmpty();
        }
    }

    @Test
    void unauthenticatedClientsWriteOpenZnodesAsGoMicroDoes() throws Exception {
        String name = "open-" + UUID.randomUUID();
        try (Registry owner = fixture.newClient();
             Registry other = fixture.newClient();
             CuratorFramework anonymous = RawClient.connect(fixture.connectString(), null)) {
            owner.register(service(name, "n1"));
            assertThat(anonymous.getACL().forPath("/micro-registry/" + name + "/n1"))
                    .isEqualTo(ZooDefs.Ids.OPEN_ACL_UNSAFE);
            other.deregister(service(name, "n1"));
            assertThat(owner.getService(name)).isEmpty();
        }
    }
}
