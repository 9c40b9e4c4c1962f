package io.microregistry.examples.greeter;

import io.microregistry.Node;

import java.util.List;

/**
 * The answer to one {@link GreeterClient#hello(String)} call. Immutable.
 *
 * @param node     the node that answered
 * @param message  what it said
 * @param failures the attempts on other nodes that failed before, in order; usually empty
 */
public record Greeting(Node node, String message, List<FailedAttempt> failures) {
    public Greeting {
        failures = List.copyOf(failures);
    }
}
