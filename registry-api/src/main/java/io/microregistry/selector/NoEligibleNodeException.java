package io.microregistry.selector;

import java.util.NoSuchElementException;

/**
 * The service has nodes, but none may be picked: every one was filtered out by the
 * {@link Filter}, or is ejected after failures (see {@link Ejection}). The message says how many
 * of each, so "wrong filter" and "everything is failing" read differently.
 */
public final class NoEligibleNodeException extends NoSuchElementException {

    private final String service;
    private final int nodes;
    private final int filteredOut;
    private final int ejected;

    public NoEligibleNodeException(String service, int nodes, int filteredOut, int ejected) {
        super(message(service, nodes, filteredOut, ejected));
        this.service = service;
        this.nodes = nodes;
        this.filteredOut = filteredOut;
        this.ejected = ejected;
    }

    private static String message(String service, int nodes, int filteredOut, int ejected) {
        StringBuilder text = new StringBuilder("no eligible node of service '").append(service).append("': ")
                .append(nodes).append(nodes == 1 ? " node, " : " nodes, ");
        if (filteredOut > 0) {
            text.append(filteredOut).append(" filtered out");
            if (ejected > 0) {
                text.append(", ");
            }
        }
        if (ejected > 0) {
            text.append(ejected).append(" ejected after failures");
        }
        return text.toString();
    }

    /** The service asked for. */
    public String service() {
        return service;
    }

    /** How many nodes the service has. */
    public int nodes() {
        return nodes;
    }

    /** How many nodes the filter rejected. */
    public int filteredOut() {
        return filteredOut;
    }

    /** How many of the nodes that passed the filter are ejected. */
    public int ejected() {
        return ejected;
    }
}
