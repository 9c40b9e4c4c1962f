package io.microregistry.tck.fuzz;

/**
 * How one fuzzed call ended. The first two are the only acceptable ones: the fuzzer's target
 * for every other kind is zero (a backend refusing input the rules accepted means the rules
 * promise more than that backend stores).
 */
public enum Outcome {
    /** Written, and it read back exactly. */
    ACCEPTED,
    /** {@link IllegalArgumentException} whose message names the field at fault. */
    REJECTED_WITH_FIELD,
    /** A {@code RegistryException} that is the backend refusing a write for a stated reason, e.g. a limit. */
    REFUSED_BY_BACKEND,
    /** {@link IllegalArgumentException} that names no field. */
    REJECTED_WITHOUT_FIELD,
    /** A sentinel or an earlier record changed or vanished, a record read back different, or one appeared unasked. */
    CORRUPTION,
    /** An exception outside {@code IllegalArgumentException} and {@code RegistryException}. */
    ESCAPE,
    /** An exception type of a backend library (gRPC, jetcd, ZooKeeper, Curator, Jackson, an HTTP client). */
    RAW_BACKEND_EXCEPTION,
    /** The call did not return within the fuzzer's bound. */
    HANG
}
