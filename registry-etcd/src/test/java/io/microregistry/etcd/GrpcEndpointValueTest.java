package io.microregistry.etcd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class GrpcEndpointValueTest {

    private static Optional<GrpcEndpointValue> decode(String value) {
        return GrpcEndpointValue.decode(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsGoEndpointsJsonWithAnyMetadata() {
        assertThat(decode("{\"Op\":0,\"Addr\":\"127.0.0.1:50051\",\"Metadata\":null}")).get()
                .satisfies(v -> {
                    assertThat(v.addr()).isEqualTo("127.0.0.1:50051");
                    assertThat(v.metadata().isNull()).isTrue();
                });
        assertThat(decode("{\"Op\":0,\"Addr\":\"h:1\",\"Metadata\":{\"zone\":\"eu\",\"n\":[1,2]}}")).get()
                .satisfies(v -> assertThat(v.metadata().toString()).isEqualTo("{\"zone\":\"eu\",\"n\":[1,2]}"));
        // Older writers left Op out (zero value) or Metadata out.
        assertThat(decode("{\"Addr\":\"h:1\"}")).get().satisfies(v -> assertThat(v.addr()).isEqualTo("h:1"));
    }

    @Test
    void readsGoZeroBareAddressesAndTreatsDeleteOpsAsAbsent() {
        assertThat(decode("10.0.0.7:8080\n")).get().satisfies(v -> assertThat(v.addr()).isEqualTo("10.0.0.7:8080"));
        assertThat(decode("{\"Op\":1,\"Addr\":\"h:1\",\"Metadata\":null}")).isEmpty();
    }

    @Test
    void writesGoBytesExactly() {
        assertThat(new String(new GrpcEndpointValue(0, "127.0.0.1:50051", null).encode(), StandardCharsets.UTF_8))
                .isEqualTo("{\"Op\":0,\"Addr\":\"127.0.0.1:50051\",\"Metadata\":null}");
    }

    @Test
    void rejectsWhatIsNeitherForm() {
        assertThatThrownBy(() -> decode("{broken")).hasMessageContaining("JSON");
        assertThatThrownBy(() -> decode("{\"Op\":0}")).hasMessageContaining("Addr");
        assertThatThrownBy(() -> decode("{\"Op\":7,\"Addr\":\"h:1\"}")).hasMessageContaining("Op");
        assertThatThrownBy(() -> decode("just words")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> decode("")).hasMessageContaining("host:port");
    }
}
