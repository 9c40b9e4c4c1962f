package io.microregistry.cli;

import java.util.List;

/**
 * What one finished run of the command left behind. Immutable.
 *
 * @param args     the command line
 * @param exitCode exit status
 * @param stdout   everything on stdout
 * @param stderr   everything on stderr
 */
record CliResult(List<String> args, int exitCode, String stdout, String stderr) {

    List<String> stderrLines() {
        return stderr.lines().filter(l -> !l.isBlank()).toList();
    }

    /** For assertion messages: the whole run in a few lines. */
    @Override
    public String toString() {
        return "micro-registry " + String.join(" ", args) + " -> exit " + exitCode
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }
}
