package io.microregistry.etcd;

import io.microregistry.Node;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** etcd serving clients over TLS and requiring client certificates. */
class EtcdTlsTest {
    @TempDir
    static Path certDir;

    private static TestCertificates certs;
    private static EtcdServer server;

    @BeforeAll
    static void startEtcdWithTls() {
        certs = TestCertificates.create(certDir);
        server = EtcdServer.create("tls");
        server.enableTls(certs.ca(), certs.serverCert(), certs.serverKey());
        server.start();
    }

    @AfterAll
    static void stopEtcd() {
        server.close();
    }

    @Test
    void theTrustedCaAndAClientCertificateWork() throws InterruptedException {
        RegistryConfig config = RegistryConfig.fromEnvironment(Map.of(
                "MICRO_REGISTRY_ADDRESS", "https://" + server.address(),
                "MICRO_REGISTRY_TLS_CA", certs.ca().toString(),
                "MICRO_REGISTRY_TLS_CERT", certs.clientCert().toString(),
                "MICRO_REGISTRY_TLS_KEY", certs.clientKey().toString()), new Properties());
        Service service = Service.builder("tls.ok").version("1").node(new Node("n1", "10.0.0.1:1", Map.of())).build();
        try (Registry registry = Registries.open("etcd", config);
             Registry plainAddress = EtcdFixture.open(config.withAddresses(java.util.List.of(server.address())))) {
            Watcher watcher = plainAddress.watch(WatchOptions.service("tls.ok"));
            registry.register(service);

            assertThat(plainAddress.getService("tls.ok")).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("n1"));
            assertThat(watcher.next(Duration.ofSeconds(5))).map(WatchEvent::type).hasValue(WatchEvent.Type.CREATE);
        }
    }

    @Test
    void withoutAClientCertificateEtcdRefusesTheConnection() {
        RegistryConfig config = RegistryConfig.of("https://" + server.address())
                .withTls(certs.ca(), null, null).withTimeout(Duration.ofSeconds(2));
        try (Registry registry = EtcdFixture.open(config)) {
            assertThatThrownBy(() -> registry.getService("tls.any"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(server.address());
        }
    }

    @Test
    void plainTextAgainstATlsServerFailsWithinTheTimeout() {
        try (Registry registry = EtcdFixture.open(RegistryConfig.of(server.address())
                .withTimeout(Duration.ofSeconds(2)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.getService("tls.any")).isInstanceOf(RegistryException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void unreadableTlsFilesAreRejectedNamingTheSetting() {
        Path missing = certDir.resolve("missing.pem");
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of(server.address()).withTls(missing, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsCa");
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of(server.address())
                .withTls(certs.ca(), certs.clientCert(), missing)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsKey");
        assertThatThrownBy(() -> EtcdFixture.open(RegistryConfig.of(server.address())
                .withTls(certs.clientKey(), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlsCa");
    }

    /** A call deadline long enough that only a named TLS diagnosis, not the deadline, can end the call in time. */
    private static final Duration LONG_DEADLINE = Duration.ofSeconds(20);
    private static final Duration FAST = Duration.ofSeconds(8);

    private static void failsFastNamingTls(RegistryConfig config, String... words) {
        try (Registry registry = EtcdFixture.open(config.withTimeout(LONG_DEADLINE))) {
            long start = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> registry.getService("tls.any"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(thrown).isInstanceOf(io.microregistry.RegistryAuthenticationException.class)
                    .hasMessageContaining("TLS/certificate").hasMessageContaining(server.address());
            for (String word : words) {
                assertThat(thrown).hasMessageContaining(word);
            }
            assertThat(took).as("failed after %s: %s", took, thrown.getMessage()).isLessThan(FAST);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void plainTextAgainstATlsServerFailsFastNamingTls() {
        failsFastNamingTls(RegistryConfig.of(server.address()), "plain text");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aServerCertificateFromAnotherCaFailsFastNamingTheCa(@TempDir Path other) {
        TestCertificates foreign = TestCertificates.create(other);
        failsFastNamingTls(RegistryConfig.of("https://" + server.address())
                .withTls(foreign.ca(), certs.clientCert(), certs.clientKey()), "CA");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aMissingClientCertificateFailsFastNamingIt() {
        failsFastNamingTls(RegistryConfig.of("https://" + server.address()).withTls(certs.ca(), null, null),
                "certificate");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aForeignClientCertificateFailsFastNamingIt(@TempDir Path other) {
        TestCertificates foreign = TestCertificates.create(other);
        failsFastNamingTls(RegistryConfig.of("https://" + server.address())
                .withTls(certs.ca(), foreign.clientCert(), foreign.clientKey()), "certificate");
    }
}
