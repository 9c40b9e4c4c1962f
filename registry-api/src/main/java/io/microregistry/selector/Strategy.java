package io.microregistry.selector;

/**
 * How a {@link Selector} chooses among the eligible nodes of a service.
 *
 * <p>Immutable and thread-safe; the per-service state a strategy needs (a round-robin
 * position, in-flight counts) lives in the selector, not here, so one strategy value may be
 * shared by many selectors. The set of strategies is closed.
 */
public final class Strategy {

    enum Kind { RANDOM, ROUND_ROBIN, WEIGHTED, POWER_OF_TWO_CHOICES }

    private static final Strategy RANDOM = new Strategy(Kind.RANDOM);
    private static final Strategy ROUND_ROBIN = new Strategy(Kind.ROUND_ROBIN);
    private static final Strategy WEIGHTED = new Strategy(Kind.WEIGHTED);
    private static final Strategy POWER_OF_TWO_CHOICES = new Strategy(Kind.POWER_OF_TWO_CHOICES);

    /** Metadata key of a node's weight for {@link #weighted()}. */
    public static final String WEIGHT_KEY = "weight";

    private final Kind kind;

    private Strategy(Kind kind) {
        this.kind = kind;
    }

    /** Uniformly random among eligible nodes. */
    public static Strategy random() {
        return RANDOM;
    }

    /**
     * Each eligible node in turn. The position is kept per service for the selector's lifetime
     * (unlike go-micro, whose round robin restarts at every {@code Select}), and survives changes
     * of the node set; it is shared by all filters on the service.
     */
    public static Strategy roundRobin() {
        return ROUND_ROBIN;
    }

    /**
     * Random, in proportion to each node's {@value #WEIGHT_KEY} metadata: a non-negative integer;
     * a node without it, or with a value that is not a non-negative integer, weighs 1; a node
     * weighing 0 is picked only when every eligible node weighs 0.
     */
    public static Strategy weighted() {
        return WEIGHTED;
    }

    /**
     * Two distinct eligible nodes at random, then the one with fewer calls in flight (counted by
     * {@link Selector#acquire(String)} handles not yet completed); ties go to the first drawn.
     */
    public static Strategy powerOfTwoChoices() {
        return POWER_OF_TWO_CHOICES;
    }

    Kind kind() {
        return kind;
    }

    /** The strategy's name: {@code random}, {@code round-robin}, {@code weighted}, {@code p2c}. */
    @Override
    public String toString() {
        return switch (kind) {
            case RANDOM -> "random";
            case ROUND_ROBIN -> "round-robin";
            case WEIGHTED -> "weighted";
            case POWER_OF_TWO_CHOICES -> "p2c";
        };
    }

    /**
     * The strategy named {@code name}: {@code random}, {@code round-robin} (or {@code roundrobin}),
     * {@code weighted}, {@code p2c} (or {@code power-of-two-choices}); case-insensitive. For
     * command lines and configuration.
     *
     * @throws IllegalArgumentException naming {@code strategy} if the name is unknown
     */
    public static Strategy named(String name) {
        if (name == null) {
            throw new IllegalArgumentException("strategy must not be null");
        }
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "random" -> RANDOM;
            case "round-robin", "roundrobin", "round_robin", "rr" -> ROUND_ROBIN;
            case "weighted" -> WEIGHTED;
            case "p2c", "power-of-two-choices", "least-loaded" -> POWER_OF_TWO_CHOICES;
            default -> throw new IllegalArgumentException("strategy must be one of random, round-robin, weighted, p2c;"
                    + " was '" + name + "'");
        };
    }
}
