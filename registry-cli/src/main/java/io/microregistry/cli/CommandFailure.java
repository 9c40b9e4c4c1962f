package io.microregistry.cli;

/**
 * A command ends with a non-zero exit status and a one-line message for the user, without a stack trace.
 * Thrown by commands (for example "not found"), reported by {@link FailureReporter}.
 */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    static CommandFailure notFound(String message) {
        return new CommandFailure(ExitCode.NOT_FOUND, message);
    }

    int exitCode() {
        return exitCode;
    }
}
