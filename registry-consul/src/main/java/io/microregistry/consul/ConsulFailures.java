package io.microregistry.consul;

import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import org.kiwiproject.consul.ConsulException;

import java.io.IOException;

/**
 * Turns what the Consul client throws into this library's exceptions, with a message that says
 * what was attempted and against which agent, and the client's exception as the cause.
 *
 * <p>Immutable and thread-safe.
 */
final class ConsulFailures {
    private final String agent;
    private final boolean hasToken;

    /**
     * @param agent    the agent address(es), for messages
     * @param hasToken whether an ACL token is configured, to say what to fix on a 403
     */
    ConsulFailures(String agent, boolean hasToken) {
        this.agent = agent;
        this.hasToken = hasToken;
    }

    /** The HTTP status of a failure, or -1 if no answer came (connection, timeout). */
    static int status(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConsulException c && c.hasCode()) {
                return c.getCode();
            }
        }
        return -1;
    }

    /** Whether the failure is the agent refusing our token, which retrying will not fix. */
    static boolean isAuthentication(Throwable failure) {
        int status = status(failure);
        return status == 401 || status == 403;
    }

    /**
     * Whether {@code failure} came from talking to the agent: the Consul client's
     * {@link ConsulException} (it wraps the HTTP and I/O failures), or an I/O failure anywhere in
     * the chain. Anything else (our own bugs, {@link IllegalStateException},
     * {@link IllegalArgumentException}, a rejected task during shutdown) is not backend trouble.
     */
    static boolean isBackendFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConsulException || t instanceof IOException || t instanceof java.io.UncheckedIOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The library exception for {@code failure} while doing {@code action} ("register service 'x'"),
     * or {@code failure} itself, unchanged, if it is not backend trouble (see {@link #isBackendFailure}):
     * translating those would hide bugs and the {@link IllegalStateException} of a call racing close.
     */
    RuntimeException translate(String action, RuntimeException failure) {
        if (failure instanceof RegistryException known) {
            return known;
        }
        if (!isBackendFailure(failure)) {
            return failure;
        }
        int status = status(failure);
        String detail = detail(failure);
        if (status == 401 || status == 403) {
            String hint = hasToken
                    ? "the configured ACL token (MICRO_REGISTRY_TOKEN) was refused or lacks the permission"
                    : "no ACL token is configured: set MICRO_REGISTRY_TOKEN to a token with the needed permission";
            return new RegistryAuthenticationException("Consul agent " + agent + " refused to " + action + " (HTTP "
                    + status + "): " + hint + ". Consul said: " + detail, failure);
        }
        if (status < 0 || status >= 500 || status == 429) {
            String what = status < 0 ? "could not be reached" : "is unavailable (HTTP " + status + ")";
            return new RegistryUnavailableException("Consul agent " + agent + " " + what + " while trying to "
                    + action + ": " + detail, failure);
        }
        return new RegistryException("Consul agent " + agent + " rejected the request to " + action + " (HTTP "
                + status + "): " + detail, failure);
    }

    private static String detail(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
            }
        }
        return String.valueOf(failure.getMessage());
    }
}
