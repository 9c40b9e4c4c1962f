package io.microregistry.grpc;

import io.microregistry.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class MicroTargetTest {

    @Test
    void parsesServiceVersionAndMetadataFilters() {
        MicroTarget target = MicroTarget.parse(URI.create("micro:///greeter?version=1.0.0&zone=eu-1&tier=gold%20plus"));
        assertThat(target.service()).isEqualTo("greeter");
        assertThat(target.version()).isEqualTo(Optional.of("1.0.0"));
        assertThat(target.metadata()).isEqualTo(Map.of("zone", "eu-1", "tier", "gold plus"));

        MicroTarget plain = MicroTarget.parse(URI.create("micro:///go.micro.srv.greeter"));
        assertThat(plain.service()).isEqualTo("go.micro.srv.greeter");
        assertThat(plain.version()).isEmpty();
        assertThat(plain.metadata()).isEmpty();
    }

    @Test
    void filtersNodesByVersionAndEveryMetadataEntry() {
        MicroTarget target = MicroTarget.parse(URI.create("micro:///greeter?version=1.0.0&zone=eu-1"));
        Node eu = new Node("n1", "127.0.0.1:1", Map.of("zone", "eu-1", "other", "x"));
        Node us = new Node("n2", "127.0.0.1:2", Map.of("zone", "us-1"));
        Node none = new Node("n3", "127.0.0.1:3", Map.of());
        assertThat(target.accepts("1.0.0", eu)).isTrue();
        assertThat(target.accepts("2.0.0", eu)).isFalse();
        assertThat(target.accepts("1.0.0", us)).isFalse();
        assertThat(target.accepts("1.0.0", none)).isFalse();
    }

    @Test
    void rejectsMalformedTargetsNamingThePart() {
        assertThatThrownBy(() -> MicroTarget.parse(URI.create("micro:///"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service name");
        assertThatThrownBy(() -> MicroTarget.parse(URI.create("micro://host/greeter")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("authority");
        assertThatThrownBy(() -> MicroTarget.parse(URI.create("micro:///greeter?zone")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
        assertThatThrownBy(() -> MicroTarget.parse(URI.create("micro:///greeter?zone=a&zone=b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone");
    }

    @Test
    void nodeAddressesParseOrSayWhy() {
        assertThat(NodeAddress.parse("127.0.0.1:50051").getPort()).isEqualTo(50051);
        assertThat(NodeAddress.parse("[::1]:8080").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThatThrownBy(() -> NodeAddress.parse("127.0.0.1")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> NodeAddress.parse("::1:80")).hasMessageContaining("bracket");
        assertThatThrownBy(() -> NodeAddress.parse("h:0")).hasMessageContaining("1..65535");
    }
}
