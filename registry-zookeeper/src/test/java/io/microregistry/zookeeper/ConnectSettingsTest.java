package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectSettingsTest {

    @Test
    void defaultsToTheUsualLocalPort() {
        ConnectSettings settings = ConnectSettings.from(RegistryConfig.defaults());
        assertThat(settings.connectString()).isEqualTo("127.0.0.1:2181");
        assertThat(settings.authenticated()).isFalse();
        assertThat(settings.timeout()).isEqualTo(RegistryConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void acceptsHostPortSchemesAndBareHosts() {
        ConnectSettings settings = ConnectSettings.from(RegistryConfig.of("zk1:2181", "zookeeper://zk2:2182", "zk3")
                .withTimeout(Duration.ofSeconds(3)));
        assertThat(settings.connectString()).isEqualTo("zk1:2181,zk2:2182,zk3:2181");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rejectsWhatIsNotHostPort() {
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.of("zk1:2181/chroot")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.of("zk1:notaport")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.of("zk1:0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
    }

    @Test
    void credentialsComeInPairsAndNeverPrint() {
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.defaults().withCredentials("alice", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username and password");
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.defaults().withCredentials("a:b", "pw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
        ConnectSettings settings = ConnectSettings.from(RegistryConfig.defaults().withCredentials("alice", "s3cret"));
        assertThat(settings.authenticated()).isTrue();
        assertThat(settings.toString()).contains("alice").doesNotContain("s3cret");
    }

    @Test
    void tlsIsRejectedRatherThanIgnored() {
        assertThatThrownBy(() -> ConnectSettings.from(RegistryConfig.defaults().withTls(Path.of("ca.pem"), null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS");
    }
}
