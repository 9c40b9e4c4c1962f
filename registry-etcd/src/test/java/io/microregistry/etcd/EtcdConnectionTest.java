package io.microregistry.etcd;

import io.microregistry.RegistryConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link EtcdConnection} shows of itself in logs and debuggers. */
class EtcdConnectionTest {

    @Test
    void toStringNamesEndpointsAndUserButNeverThePassword() {
        EtcdConnection connection = EtcdConnection.of(RegistryConfig.of("127.0.0.1:2379", "127.0.0.1:2381")
                .withCredentials("root", "s3cret-Pa55"));

        assertThat(connection.toString())
                .contains("127.0.0.1:2379,127.0.0.1:2381", "root")
                .doesNotContain("s3cret-Pa55");
    }
}
