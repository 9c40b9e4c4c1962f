package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * etcd with authentication on and a root user, as the usual {@code ETCD_ROOT_PASSWORD}
 * setup leaves it: the right password works for every operation, a wrong or missing one
 * fails fast with a {@link RegistryAuthenticationException}.
 */
class EtcdAuthTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EtcdAuthTest.class);
    private static final String PASSWORD = "s3cret-Pässword";
    /** A call refused for its credentials must fail well before the call deadline runs out. */
    private static final Duration FAST = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static EtcdServer server;

    @BeforeAll
    static void startEtcdWithAuth() {
        server = EtcdServer.startSingle();
        Etcdctl etcdctl = new Etcdctl(server.address());
        etcdctl.run("user", "add", "root:" + PASSWORD);
        etcdctl.run("auth", "enable");
    }

    @AfterAll
    static void stopEtcd() {
        server.close();
    }

    private static RegistryConfig config() {
        return RegistryConfig.of(server.address()).withTimeout(TIMEOUT);
    }

    @Test
    void rightPasswordWorksForEveryOperation() throws InterruptedException {
        Service service = Service.builder("auth.ok").version("1").node(new Node("n1", "10.0.0.1:1", Map.of())).build();
        try (Registry registry = EtcdFixture.open(config().withCredentials("root", PASSWORD));
             Registry observer = EtcdFixture.open(config().withCredentials("root", PASSWORD))) {
            Watcher watcher = observer.watch(WatchOptions.service("auth.ok"));
            registry.register(service);

            assertThat(observer.getService("auth.ok")).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n1"));
            assertThat(observer.listServices()).extracting(Service::name).contains("auth.ok");
            assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);

            registry.deregister(service);
            assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.DELETE);
        }
    }

    @Test
    void credentialsFromTheEnvironmentWork() {
        try (Registry registry = Registries.open("etcd", RegistryConfig.fromEnvironment(Map.of(
                "MICRO_REGISTRY_ADDRESS", server.address(),
                "MICRO_REGISTRY_USERNAME", "root",
                "MICRO_REGISTRY_PASSWORD", PASSWORD), new java.util.Properties()))) {
            assertThat(registry.getService("auth.nothing")).isEmpty();
        }
    }

    @Test
    void wrongPasswordFailsFastWithAClearError() {
        try (Registry registry = EtcdFixture.open(config().withCredentials("root", "wrong"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.getService("auth.any"))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(server.address())
                    .hasMessageContaining("refused the credentials")
                    .cause().isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
            LOG.info("wrong password: {}", catchThrowable(() -> registry.getService("auth.any")).getMessage());

            Service service = Service.builder("auth.any").node(new Node("n1", "10.0.0.1:1", Map.of())).build();
            assertThatThrownBy(() -> registry.register(service)).isInstanceOf(RegistryAuthenticationException.class);
            assertThatThrownBy(() -> registry.watch()).isInstanceOf(RegistryAuthenticationException.class);
        }
    }

    @Test
    void missingCredentialsFailFastWithAClearError() {
        try (Registry registry = EtcdFixture.open(config())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.getService("auth.any"))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("MICRO_REGISTRY_USERNAME");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
        }
    }
}
