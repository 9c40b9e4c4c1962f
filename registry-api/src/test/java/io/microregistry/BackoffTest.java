package io.microregistry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    @Test
    void growsExponentiallyWithinJitterAndCaps() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.delay(0).toMillis()).isBetween(50L, 100L);
            assertThat(backoff.delay(3).toMillis()).isBetween(400L, 800L);
            assertThat(backoff.delay(40).toMillis()).isBetween(1000L, 2000L);
        }
    }

    @Test
    void jitterSpreadsRetries() {
        Backoff backoff = Backoff.DEFAULT;
        long distinct = java.util.stream.IntStream.range(0, 50).mapToObj(i -> backoff.delay(5)).distinct().count();
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("initial");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("max");
    }
}
