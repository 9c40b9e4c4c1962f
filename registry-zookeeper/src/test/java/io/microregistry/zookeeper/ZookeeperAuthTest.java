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
 * own identity can overwrite or delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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

            // Everyone reads.
            assertThat(bob.getService(name)).containsExactly(service(name, "n1"));
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
            assertThat(alice.getService(bobs)).containsExactly(service(bobs, "b1"));
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
