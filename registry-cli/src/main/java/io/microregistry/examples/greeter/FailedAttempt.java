package io.microregistry.examples.greeter;

import io.microregistry.Node;

/**
 * One attempt of a call that failed on a node, and why. Immutable.
 *
 * @param node   the node tried
 * @param reason short description, e.g. {@code connection refused}
 */
public record FailedAttempt(Node node, String reason) {
}
