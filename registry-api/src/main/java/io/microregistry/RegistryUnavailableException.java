package io.microregistry;

/** The backend could not be reached or did not answer within the timeout. Worth retrying. */
public class RegistryUnavailableException extends RegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
