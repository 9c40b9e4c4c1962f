package io.microregistry;

/** The backend refused our credentials or token. Retrying with the same ones will not help. */
public class RegistryAuthenticationException extends RegistryException {
    public RegistryAuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
