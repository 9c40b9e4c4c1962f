package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS with a client certificate, using files exactly as {@code consul tls ca create} and
 * {@code consul tls cert create} write them (EC keys in SEC1 PEM).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulTlsTest {
    private final Path certs = generateCertificates();
    private final ConsulAgent agent = ConsulAgent.startWithTls(new ConsulAgent.Tls(
            certs.resolve("consul-agent-ca.pem"), certs.resolve("dc1-server-consul-0.pem"),
            certs.resolve("dc1-server-consul-0-key.pem")));

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private RegistryConfig config() {
        return RegistryConfig.of(agent.httpsAddress()).withTimeout(Duration.ofSeconds(3));
    }

    @Test
    void registersAndLooksUpOverHttpsWithAClientCertificate() {
        Service service = Service.builder("over-tls").version("1").node("tls-1", "127.0.0.1:1").build();
        try (Registry registry = new ConsulRegistryProvider().open(config().withTls(
                certs.resolve("consul-agent-ca.pem"), certs.resolve("dc1-client-consul-0.pem"),
                certs.resolve("dc1-client-consul-0-key.pem")))) {
            registry.register(service);
            assertThat(registry.getService("over-tls")).containsExactly(service);
        }
    }

    @Test
    void withoutAClientCertificateTheAgentRefuses() {
        try (Registry registry = new ConsulRegistryProvider().open(config().withTls(
                certs.resolve("consul-agent-ca.pem"), null, null))) {
            assertThatThrownBy(() -> registry.getService("over-tls")).isInstanceOf(RegistryException.class);
        }
    }

    @Test
    void anUntrustedServerIsRefused() {
        // The client certificate is not a CA: nothing the agent presents chains to it.
        try (Registry registry = new ConsulRegistryProvider().open(config().withTls(
                certs.resolve("dc1-client-consul-0.pem"), certs.resolve("dc1-client-consul-0.pem"),
                certs.resolve("dc1-client-consul-0-key.pem")))) {
            assertThatThrownBy(() -> registry.getService("over-tls")).isInstanceOf(RegistryException.class)
                    .hasMessageContaining("could not be reached");
        }
    }

    @Test
    void unreadableTlsFilesAreIllegalArguments() {
        assertThatThrownBy(() -> new ConsulRegistryProvider().open(config().withTls(certs.resolve("missing.pem"),
                null, null))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MICRO_REGISTRY_TLS_CA");
        assertThatThrownBy(() -> new ConsulRegistryProvider().open(config().withTls(null,
                certs.resolve("dc1-client-consul-0.pem"), certs.resolve("dc1-client-consul-0.pem"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MICRO_REGISTRY_TLS_KEY");
    }

    private static Path generateCertificates() {
        try {
            Path dir = Files.createTempDirectory("consul-tls-");
            String consul = ConsulAgent.binary().toString();
            for (List<String> command : List.of(List.of(consul, "tls", "ca", "create"),
                    List.of(consul, "tls", "cert", "create", "-server", "-dc", "dc1"),
                    List.of(consul, "tls", "cert", "create", "-client", "-dc", "dc1"))) {
                Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("tls.log").toFile()).start();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(command + " failed: " + Files.readString(dir.resolve("tls.log")));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("cannot generate TLS files", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
