package io.microregistry.etcd;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.Value;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * etcd with authentication and roles, tried as a hostile or careless client would: a user
 * whose role covers another prefix cannot add, change or remove our registrations; a
 * register that cannot write every node writes none; limits fail as a named
 * {@link IllegalArgumentException} before anything is sent; a record stored under a key that
 * is not its own is never served.
 */
@Timeout(120)
class EtcdHostileClientTest {
    private static final String ROOT_PASSWORD = "root-pw";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static EtcdServer server;
    private static Etcdctl root;

    @BeforeAll
    static void startEtcdWithRoles() {
        server = EtcdServer.startSingle();
        Etcdctl etcdctl = new Etcdctl(server.address());
        etcdctl.run("user", "add", "root:" + ROOT_PASSWORD);
        // "owner" may write every registration; "other" only those of service "other".
        etcdctl.run("role", "add", "registry");
        etcdctl.run("role", "grant-permission", "registry", "readwrite", "--prefix=true", EtcdKeys.ROOT);
        etcdctl.run("user", "add", "owner:owner-pw");
        etcdctl.run("user", "grant-role", "owner", "registry");
        etcdctl.run("role", "add", "other-only");
        etcdctl.run("role", "grant-permission", "other-only", "readwrite", "--prefix=true", EtcdKeys.ROOT + "other/");
        etcdctl.run("role", "grant-permission", "other-only", "read", "--prefix=true", EtcdKeys.ROOT);
        etcdctl.run("user", "add", "other:other-pw");
        etcdctl.run("user", "grant-role", "other", "other-only");
        // "half" may write node n1 of service "half" only: a two-node register must write neither.
        etcdctl.run("role", "add", "half-only");
        etcdctl.run("role", "grant-permission", "half-only", "readwrite", EtcdKeys.ROOT + "half/n1");
        etcdctl.run("role", "grant-permission", "half-only", "read", "--prefix=true", EtcdKeys.ROOT);
        etcdctl.run("user", "add", "half:half-pw");
        etcdctl.run("user", "grant-role", "half", "half-only");
        etcdctl.run("auth", "enable");
        root = new Etcdctl(server.address(), "root:" + ROOT_PASSWORD);
    }

    @AfterAll
    static void stopEtcd() {
        if (server != null) {
            server.close();
        }
    }

    private static Registry as(String user, String password) {
        return EtcdFixture.open(RegistryConfig.of(server.address()).withTimeout(TIMEOUT)
                .withCredentials(user, password));
    }

    @Test
    void aUserLimitedToAnotherPrefixCannotAddChangeOrRemoveOurRegistrations() {
        Service ours = Service.builder("payments").version("1").node(new Node("p1", "10.0.0.1:1", Map.of()))
                .build();
        try (Registry owner = as("owner", "owner-pw"); Registry other = as("other", "other-pw")) {
            owner.register(ours);

            Service forged = Service.builder("payments").version("1").node(new Node("p1", "6.6.6.6:666", Map.of()))
                    .build();
            assertThatThrownBy(() -> other.register(forged)).isInstanceOf(RegistryAuthenticationException.class);
            Service added = Service.builder("payments").node(new Node("evil", "6.6.6.6:666", Map.of())).build();
            assertThatThrownBy(() -> other.register(added)).isInstanceOf(RegistryAuthenticationException.class);
            assertThatThrownBy(() -> other.deregister(ours)).isInstanceOf(RegistryAuthenticationException.class);

            assertThat(owner.getService("payments")).containsExactly(ours);
            assertThat(other.getService("payments")).containsExactly(ours);
            // Its own prefix works.
            Service own = Service.builder("other").node(new Node("o1", "10.0.0.9:1", Map.of())).build();
            other.register(own);
            assertThat(owner.getService("other")).containsExactly(own);
        }
    }

    @Test
    void aRegisterThatCannotWriteEveryNodeWritesNone() {
        try (Registry half = as("half", "half-pw"); Registry owner = as("owner", "owner-pw")) {
            Service two = Service.builder("half").version("1").node(new Node("n1", "10.0.0.1:1", Map.of()))
                    .node(new Node("n2", "10.0.0.2:1", Map.of())).build();
            assertThatThrownBy(() -> half.register(two)).isInstanceOf(RegistryAuthenticationException.class);
            assertThat(owner.getService("half")).isEmpty();
            assertThat(root.run("get", "--prefix", EtcdKeys.ROOT + "half/")).isBlank();

            // The node it may write alone works, and a failing two-node update leaves it as it was.
            Service one = Service.builder("half").version("1").node(new Node("n1", "10.0.0.1:1", Map.of())).build();
            half.register(one);
            Service update = Service.builder("half").version("2").node(new Node("n1", "10.0.0.1:2", Map.of()))
                    .node(new Node("n2", "10.0.0.2:2", Map.of())).build();
            assertThatThrownBy(() -> half.register(update)).isInstanceOf(RegistryAuthenticationException.class);
            assertThat(owner.getService("half")).containsExactly(one);
        }
    }

    @Test
    void aDeregisterOfSeveralRemovesWhatItCanAndNamesTheRest() {
        try (Registry owner = as("owner", "owner-pw"); Registry half = as("half", "half-pw")) {
            Service two = Service.builder("half").version("1").node(new Node("n1", "10.0.0.1:1", Map.of()))
                    .node(new Node("n2", "10.0.0.2:1", Map.of())).build();
            owner.register(two);
            assertThatThrownBy(() -> half.deregister(two)).isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("1 of 2").hasMessageContaining("n2");
            assertThat(owner.getService("half")).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n2"));
            owner.deregister(two);
        }
    }

    @Test
    void limitsFailByNameBeforeAnythingIsWritten() {
        try (Registry owner = as("owner", "owner-pw")) {
            Service huge = Service.builder("limits").node(new Node("n1", "10.0.0.1:1",
                    Map.of("blob", "x".repeat(1024 * 1024)))).build();
            assertThatThrownBy(() -> owner.register(huge)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node metadata value of 'blob'");
            Value deep = Value.of("leaf", "string");
            for (int i = 0; i < 3000; i++) {
                deep = new Value("v" + i, "object", List.of(deep));
            }
            Service deepService = Service.builder("limits").node("n1", "10.0.0.1:1")
                    .endpoint(new Endpoint("Call", deep, null, Map.of())).build();
            assertThatThrownBy(() -> owner.register(deepService)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("levels deep");
            assertThatThrownBy(() -> owner.register(Service.builder("x\uD800").node("n1", "a:1").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
            assertThat(owner.getService("limits")).isEmpty();
        }
    }

    @Test
    void aRecordUnderAKeyThatIsNotItsOwnIsNeverServed() {
        try (Registry owner = as("owner", "owner-pw")) {
            Service real = Service.builder("victim").version("1").node(new Node("v1", "10.0.0.1:1", Map.of()))
                    .build();
            owner.register(real);
            // Someone writes a record claiming to be victim/v1 under another key of the victim's prefix.
            root.run("put", EtcdKeys.ROOT + "victim/forged",
                    "{\"name\":\"victim\",\"version\":\"1\",\"nodes\":[{\"id\":\"v1\",\"address\":\"6.6.6.6:666\"}]}");
            // And one under "x?" claiming to be "x\uD800"-like lookalike "x!".
            root.run("put", EtcdKeys.ROOT + "x%3F/n1",
                    "{\"name\":\"x!\",\"version\":\"1\",\"nodes\":[{\"id\":\"n1\",\"address\":\"6.6.6.6:666\"}]}");
            assertThat(owner.getService("victim")).containsExactly(real);
            assertThat(owner.listServices()).extracting(Service::name).doesNotContain("x!");
        } catch (RegistryException e) {
            throw new AssertionError(e);
        }
    }
}
