package io.microregistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The model's own checks, which hold before any backend is involved: moved here from the
 * TCK's validation contracts, since no plugin can fail them (issue 10, item 6).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ModelRulesTest {

    @Test
    void aServiceNeedsAName() {
        assertThatThrownBy(() -> Service.builder(null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
        assertThatThrownBy(() -> new Service(null, "1", null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service name");
        assertThatThrownBy(() -> new Service("s", null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("service version");
    }

    @Test
    void aNodeNeedsAnIdAndAnAddress() {
        assertThatThrownBy(() -> Node.of(null, "127.0.0.1:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node id");
        assertThatThrownBy(() -> Node.of("n1", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node address");
    }

    @Test
    void aTtlOutsideItsBoundsIsRejected() {
        assertThatThrownBy(() -> RegisterOptions.ttl(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> RegisterOptions.ttl(Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> RegisterOptions.ttl(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThat(RegisterOptions.ttl(RegisterOptions.MIN_TTL).ttl()).isEqualTo(RegisterOptions.MIN_TTL);
        assertThat(RegisterOptions.ttl(RegisterOptions.MAX_TTL).ttl()).isEqualTo(RegisterOptions.MAX_TTL);
    }
}
