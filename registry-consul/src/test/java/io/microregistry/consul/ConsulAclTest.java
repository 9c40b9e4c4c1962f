package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** A Consul agent with ACLs enabled, default policy deny, and a master token. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulAclTest {
    private static final Duration FAST = Duration.ofSeconds(3);

    private final String masterToken = UUID.randomUUID().toString();
    private final ConsulAgent agent = ConsulAgent.start(masterToken);
    private final Service service = Service.builder("acl-protected").version("1").node("acl-1", "127.0.0.1:1").build();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client(String token) {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()).withToken(token));
    }

    @Test
    void theRightTokenWorks() {
        try (Registry registry = client(masterToken)) {
            registry.register(service);
            assertThat(registry.getService("acl-protected")).containsExactly(service);
            assertThat(registry.listServices()).contains(service);
            registry.deregister(service);
            assertThat(registry.getService("acl-protected")).isEmpty();
        }
    }

    @Test
    void aWrongTokenFailsFastWithAClearError() {
        try (Registry registry = client(UUID.randomUUID().toString())) {
            assertTimeoutPreemptively(FAST, () -> {
                assertThatThrownBy(() -> registry.register(service))
                        .isInstanceOf(RegistryAuthenticationException.class)
                        .hasMessageContaining("HTTP 403").hasMessageContaining("MICRO_REGISTRY_TOKEN")
                        .hasMessageContaining("ACL not found").hasCauseInstanceOf(RuntimeException.class);
                assertThatThrownBy(() -> registry.getService("acl-protected"))
                        .isInstanceOf(RegistryAuthenticationException.class);
                assertThatThrownBy(registry::watch).isInstanceOf(RegistryAuthenticationException.class);
            });
        }
    }

    @Test
    void aMissingTokenFailsFastWithAClearError() {
        try (Registry registry = client(null)) {
            assertTimeoutPreemptively(FAST, () -> assertThatThrownBy(() -> registry.register(service))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("HTTP 403")
                    .hasMessageContaining("no ACL token is configured: set MICRO_REGISTRY_TOKEN"));
        }
    }
}
