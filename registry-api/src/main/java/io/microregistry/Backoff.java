package io.microregistry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, for retry loops that must never give up and must
 * never stampede a recovering server.
 *
 * <p>Immutable and thread-safe.
 *
 * @param initial delay ceiling of the first retry
 * @param max     delay ceiling once grown
 */
public record Backoff(Duration initial, Duration max) {

    /** 100 ms doubling to 5 s: quick to recover, gentle on a struggling server. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    public Backoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive");
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial");
        }
    }

    /**
     * The delay before retry number {@code attempt} (0 for the first retry): a random value
     * between half and all of {@code min(max, initial * 2^attempt)}.
     */
    public Duration delay(int attempt) {
        long ceiling = max.toMillis();
        long grown = initial.toMillis() << Math.min(Math.max(attempt, 0), 30);
        if (grown > 0 && grown < ceiling) {
            ceiling = grown;
        }
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }
}
