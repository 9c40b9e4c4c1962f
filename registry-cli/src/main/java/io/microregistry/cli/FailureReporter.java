package io.microregistry.cli;

import io.microregistry.RegistryAuthenticationException;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns what a command threw into one line on stderr and an {@link ExitCode}: a {@link CommandFailure} keeps
 * its code, backend trouble ({@link RegistryException} anywhere in the cause chain) is 3 and names the
 * backend and its address, bad input ({@link IllegalArgumentException}) is 2, anything else is a bug (4).
 * Stack traces only with {@code --verbose}.
 */
final class FailureReporter implements CommandLine.IExecutionExceptionHandler {
    private final MicroRegistry root;

    FailureReporter(MicroRegistry root) {
        this.root = root;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int code;
        String message;
        RegistryException backend = backendFailure(ex);
        if (ex instanceof CommandFailure failure) {
            code = failure.exitCode();
            message = failure.getMessage();
        } else if (backend != null) {
            code = ExitCode.BACKEND;
            message = backendMessage(backend);
        } else if (ex instanceof IllegalArgumentException) {
            code = ExitCode.USAGE;
            message = ex.getMessage();
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + ex + (root.verbose() ? "" : " (run with --verbose for the stack trace)");
        }
        err.println("micro-registry: " + oneLine(message));
        if (root.verbose()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private String backendMessage(RegistryException e) {
        BackendTarget target = root.resolvedTarget();
        String where = target == null ? "the registry" : target.describe();
        String what;
        if (e instanceof RegistryUnavailableException) {
            what = "cannot reach " + where;
        } else if (e instanceof RegistryAuthenticationException) {
            what = where + " refused the credentials";
        } else {
            what = "backend error from " + where;
        }
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }

    private static RegistryException backendFailure(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof RegistryException registryException) {
                return registryException;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
