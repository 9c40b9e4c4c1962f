package io.microregistry.cli;

/**
 * The exit statuses of the {@code micro-registry} command; scripts rely on them, so they never change meaning.
 */
final class ExitCode {
    /** The command did what was asked. */
    static final int OK = 0;
    /** The service or node asked for is not registered. */
    static final int NOT_FOUND = 1;
    /** The command line or an argument value is wrong. */
    static final int USAGE = 2;
    /** The backend could not be reached, refused the credentials or failed the call. */
    static final int BACKEND = 3;
    /** A bug in the command itself. */
    static final int INTERNAL = 4;

    private ExitCode() {
    }
}
