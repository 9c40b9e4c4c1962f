package io.microregistry;

/**
 * Backend trouble: the registry could not do what was asked. The cause, when there is one,
 * is the backend client's own exception, attached for diagnosis; the message says what was
 * attempted and against which backend, in words meant for the user.
 *
 * <p>Subclasses narrow the reason: {@link RegistryUnavailableException},
 * {@link RegistryAuthenticationException}, {@link MalformedRecordException}.
 */
public class RegistryException extends RuntimeException {
    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
