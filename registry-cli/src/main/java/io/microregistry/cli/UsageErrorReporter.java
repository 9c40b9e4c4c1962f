package io.microregistry.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Reports a wrong command line in two lines (what is wrong, where to read more) instead of the whole
 * usage text, and exits with {@link ExitCode#USAGE}.
 */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println("micro-registry: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }
}
