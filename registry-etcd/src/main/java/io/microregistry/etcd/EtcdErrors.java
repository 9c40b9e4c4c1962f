package io.microregistry.etcd;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns what jetcd and gRPC throw into the registry's exceptions, so a user never sees a raw
 * gRPC status: refused credentials become {@link RegistryAuthenticationException}, anything
 * else {@link RegistryUnavailableException}. The original exception is attached as the cause.
 *
 * <p>Stateless and thread-safe.
 */
final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * Waits up to {@code nanos} for a jetcd call. Past the deadline, or interrupted (the
     * interrupt stays set), the call is cancelled; every failure is thrown translated.
     *
     * @param action    what the call does, for the message
     * @param endpoints where, for the message
     * @throws RegistryException whatever went wrong, the cause attached
     */
    static <T> T await(CompletableFuture<T> call, long nanos, String action, String endpoints) {
        try {
            return call.get(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw translate(action, endpoints, e);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw translate(action, endpoints, e);
        } catch (Exception e) {
            throw translate(action, endpoints, e);
        }
    }

    /**
     * @param action    what was attempted, e.g. {@code "register greeter/node-1"}
     * @param endpoints where, for the message
     * @param failure   what jetcd, gRPC or the wait threw
     */
    static RegistryException translate(String action, String endpoints, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RegistryException registryException) {
            return registryException;
        }
        if (cause instanceof TimeoutException) {
            return new RegistryUnavailableException("etcd at " + endpoints + " did not answer in time to " + action,
                    cause);
        }
        if (cause instanceof InterruptedException) {
            return new RegistryUnavailableException("interrupted while waiting for etcd at " + endpoints + " to "
                    + action, cause);
        }
        String tls = tlsTrouble(cause);
        if (tls != null) {
            return new RegistryAuthenticationException("TLS/certificate trouble with etcd at " + endpoints
                    + " while trying to " + action + ": " + tls, cause);
        }
        if (isAuthentication(cause)) {
            return new RegistryAuthenticationException("etcd at " + endpoints + " refused the credentials (check "
                    + "MICRO_REGISTRY_USERNAME / MICRO_REGISTRY_PASSWORD) while trying to " + action + ": "
                    + describe(cause), cause);
        }
        return new RegistryUnavailableException("etcd at " + endpoints + " could not " + action + ": "
                + describe(cause), cause);
    }

    /** Whether the failure is etcd refusing who we are, which retrying will not fix. */
    static boolean isAuthentication(Throwable failure) {
        for (Throwable t = unwrap(failure); t != null; t = t.getCause()) {
            Status.Code code = statusCode(t);
            if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // etcd answers a bad password or a missing user with INVALID_ARGUMENT and these texts.
            if (message.contains("authentication failed") || message.contains("user name is empty")
                    || message.contains("user name not found") || message.contains("permission denied")
                    || message.contains("invalid auth token")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** The message of an SSL or certificate exception in the cause chain, or null. */
    private static String tlsTrouble(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return null;
    }

    /** Whether jetcd reports that the lease asked for no longer exists. */
    static boolean isLeaseNotFound(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        return message.contains("requested lease not found");
    }

    private static Status.Code statusCode(Throwable t) {
        if (t instanceof EtcdException etcd) {
            ErrorCode code = etcd.getErrorCode();
            return code == null ? null : Status.Code.valueOf(code.name());
        }
        Status status = Status.fromThrowable(t);
        return status.getCode() == Status.Code.UNKNOWN ? null : status.getCode();
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * The status code and the most specific message in the cause chain: gRPC often wraps
     * etcd's own words ("authentication failed, invalid user ID or password") in a bare code.
     */
    private static String describe(Throwable failure) {
        Status.Code code = statusCode(failure);
        String detail = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank() && !isBareCode(message)) {
                detail = message;
            }
        }
        if (detail == null) {
            detail = failure.getClass().getSimpleName();
        }
        return code == null || detail.startsWith(code.name()) ? detail : code + ": " + detail;
    }

    private static boolean isBareCode(String message) {
        String trimmed = message.trim();
        for (Status.Code code : Status.Code.values()) {
            if (trimmed.equals(code.name()) || trimmed.equals(code.name() + ": " + code.name())
                    || trimmed.equals(code.name() + " " + code.name())) {
                return true;
            }
        }
        return false;
    }
}
