package io.microregistry.selector;

import java.util.NoSuchElementException;

/**
 * The registry has no node of the service asked for: it is unknown, or all its nodes are
 * gone. Not backend trouble (that is a {@link io.microregistry.RegistryException}): the registry
 * answered, and the answer was "none". Retry later if the service is expected to come up.
 */
public final class NoSuchServiceException extends NoSuchElementException {

    private final String service;

    public NoSuchServiceException(String service) {
        super("no node of service '" + service + "' is registered");
        this.service = service;
    }

    /** The service asked for. */
    public String service() {
        return service;
    }
}
