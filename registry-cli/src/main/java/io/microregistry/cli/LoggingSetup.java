package io.microregistry.cli;

import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How loud the bundled backend clients are. Set before the first logger exists, once per run.
 *
 * <ul>
 *   <li>One-shot commands stay silent: their outcome is the result or the one-line error.</li>
 *   <li>Commands that keep running ({@link KeepsRunning}) stay silent until {@link #established()} (so a
 *       backend that cannot be reached still ends in exactly one line), then show warnings such as a lost
 *       lease or a reconnect.</li>
 *   <li>{@code --verbose} shows the clients' state changes from the start.</li>
 * </ul>
 * A level set by the user with {@code -Dorg.slf4j.simpleLogger...} is left alone. Thread-safe.
 */
final class LoggingSetup {
    private static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String OWN_LEVEL = "org.slf4j.simpleLogger.log.io.microregistry";

    private final PrintStream stderr;
    private volatile boolean gateOpen = true;
    private volatile Level establishedLevel = Level.OFF;

    /** @param stderr the process's real stderr, which the command's own messages keep using */
    LoggingSetup(PrintStream stderr) {
        this.stderr = stderr;
    }

    void apply(CommandLine.ParseResult parseResult, boolean verbose) {
        List<CommandLine> commands = parseResult.asCommandLineList();
        boolean keepsRunning = commands.get(commands.size() - 1).getCommand() instanceof KeepsRunning;
        String level = verbose || keepsRunning ? "warn" : "off";
        setIfAbsent(DEFAULT_LEVEL, level);
        setIfAbsent(OWN_LEVEL, verbose ? "info" : level);
        // gRPC (etcd) logs through java.util.logging, which prints INFO and up to stderr by default.
        Logger root = Logger.getLogger("");
        if (verbose) {
            root.setLevel(Level.INFO);
        } else if (keepsRunning) {
            root.setLevel(Level.OFF);
            establishedLevel = Level.WARNING;
            // slf4j-simple writes to whatever System.err is at the time: hold its lines back until established.
            gateOpen = false;
            System.setErr(new PrintStream(new GatedStream(), true));
        } else {
            root.setLevel(Level.OFF);
        }
    }

    /** The command is registered or watching: from now on, backend warnings are worth showing. */
    void established() {
        if (!gateOpen) {
            Logger.getLogger("").setLevel(establishedLevel);
            gateOpen = true;
        }
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Drops what is written while the gate is shut, passes it on to the real stderr once open. */
    private final class GatedStream extends OutputStream {
        @Override
        public void write(int b) {
            if (gateOpen) {
                stderr.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (gateOpen) {
                stderr.write(b, off, len);
            }
        }

        @Override
        public void flush() {
            stderr.flush();
        }
    }
}
