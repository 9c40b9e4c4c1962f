package io.microregistry.tck;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a fixture's {@link RegistryFixture#suppressed()} map, the way Guava testlib's
 * {@code suppressing(..)} does: each contract named once, each with the reason it is not met.
 *
 * <pre>{@code
 * @Override public Map<String, String> suppressed() {
 *     return Suppressions.builder()
 *             .suppress("deregisteredNodeStaysGoneAfterARestart", "issue #12: the keeper re-puts deregistered nodes")
 *             .build();
 * }
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} returns an immutable map.
 */
public final class Suppressions {
    private final Map<String, String> reasons = new LinkedHashMap<>();

    private Suppressions() {
    }

    /** Starts an empty set of suppressions. */
    public static Suppressions builder() {
        return new Suppressions();
    }

    /**
     * Suppresses the contract method {@code contract}, for {@code reason}.
     *
     * @throws IllegalArgumentException if either is blank, or the contract is already suppressed
     */
    public Suppressions suppress(String contract, String reason) {
        if (contract == null || contract.isBlank()) {
            throw new IllegalArgumentException("contract name must not be blank");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a suppressed contract needs a reason: " + contract);
        }
        if (reasons.putIfAbsent(contract, reason) != null) {
            throw new IllegalArgumentException("contract suppressed twice: " + contract);
        }
        return this;
    }

    /** The suppressions, contract name to reason. */
    public Map<String, String> build() {
        return Map.copyOf(reasons);
    }
}
