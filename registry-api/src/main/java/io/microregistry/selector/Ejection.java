package io.microregistry.selector;

import java.time.Duration;

/**
 * When a {@link Selector} stops picking a failing node, and for how long.
 *
 * <p>A node is ejected after {@code failures} failed calls in a row (reported through
 * {@link Selection#failure()}); it stays out for a random period between half and all of
 * {@code min(maxDuration, initialDuration * 2^(n-1))} for its n-th ejection in a row, then is
 * picked again; one success resets both its failure streak and its ejection count.
 *
 * <p>Immutable and thread-safe.
 *
 * @param failures        consecutive failures that eject a node; {@code 0} never ejects
 * @param initialDuration ceiling of the first ejection period, positive
 * @param maxDuration     ceiling the period grows to, at least {@code initialDuration}
 */
public record Ejection(int failures, Duration initialDuration, Duration maxDuration) {

    /** Eject after 3 failures in a row, for up to 1 s growing to 30 s. */
    public static final Ejection DEFAULT = new Ejection(3, Duration.ofSeconds(1), Duration.ofSeconds(30));

    public Ejection {
        if (failures < 0) {
            throw new IllegalArgumentException("failures must not be negative, was " + failures);
        }
        if (initialDuration == null || initialDuration.isNegative() || initialDuration.isZero()) {
            throw new IllegalArgumentException("initialDuration must be positive");
        }
        if (maxDuration == null || maxDuration.compareTo(initialDuration) < 0) {
            throw new IllegalArgumentException("maxDuration must be at least initialDuration");
        }
    }

    /** Never eject: feedback only counts calls in flight. */
    public static Ejection never() {
        return new Ejection(0, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** Whether this policy ejects at all. */
    public boolean enabled() {
        return failures > 0;
    }
}
