package io.microregistry.examples.greeter;

import java.util.List;

/** Every attempt of a {@link GreeterClient} call failed; {@link #failures()} says where and why. */
public final class GreeterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<FailedAttempt> failures;

    public GreeterUnavailableException(String service, List<FailedAttempt> failures) {
        super("no node of '" + service + "' answered after " + failures.size() + " attempts: " + failures);
        this.failures = List.copyOf(failures);
    }

    public List<FailedAttempt> failures() {
        return failures;
    }
}
