package io.microregistry;

/** A record read from the backend could not be decoded. Readers skip such records and warn. */
public class MalformedRecordException extends RegistryException {
    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
