package io.microregistry.cli;

import io.microregistry.backend.DaemonThreads;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one status line on stderr that tells a person what the command is waiting for.
 *
 * <p>On a terminal the line is redrawn in place (with the time waited so far) and erased when done, so it
 * never mixes with the results on stdout. When stderr is not a terminal (a script, a test, a log file),
 * transient progress is not printed at all and a {@link #status(String) status} is printed once as a plain
 * line. Thread-safe: the ticker, the command and a shutdown hook may all call it.
 */
final class ProgressLine implements AutoCloseable {
    private static final String CLEAR = "\r\033[K";
    private static final char[] SPINNER = {'|', '/', '-', '\\'};

    private final PrintWriter err;
    private final boolean interactive;
    private ScheduledExecutorService ticker;
    private String text;
    private long startedNanos;
    private int frame;

    ProgressLine(PrintWriter err, boolean interactive) {
        this.err = err;
        this.interactive = interactive;
    }

    /** A progress line on this process's stderr, animated only if the process talks to a terminal. */
    static ProgressLine onStderr(PrintWriter err) {
        return new ProgressLine(err, isTerminal());
    }

    /** Shows "{@code text} ... 1.2s" while a call is under way; only on a terminal. */
    synchronized void waiting(String text) {
        if (!interactive) {
            return;
        }
        this.text = text;
        this.startedNanos = System.nanoTime();
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(new DaemonThreads("micro-registry-progress"));
            ticker.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
        }
        draw();
    }

    /** A lasting status (e.g. "watching ... Ctrl-C to stop"): redrawn on a terminal, printed once otherwise. */
    synchronized void status(String text) {
        stopTicker();
        if (interactive) {
            this.text = text;
            this.startedNanos = 0;
            draw();
        } else {
            err.println(text);
            err.flush();
        }
    }

    /** Erases the line so that a result can be printed; {@link #redraw()} brings it back. */
    synchronized void hide() {
        if (interactive && text != null) {
            err.print(CLEAR);
            err.flush();
        }
    }

    synchronized void redraw() {
        if (interactive && text != null) {
            draw();
        }
    }

    /** Stops any animation and erases the line. */
    @Override
    public synchronized void close() {
        stopTicker();
        hide();
        text = null;
    }

    private synchronized void tick() {
        if (text != null && startedNanos != 0) {
            frame++;
            draw();
        }
    }

    private void draw() {
        StringBuilder line = new StringBuilder(CLEAR);
        if (startedNanos != 0) {
            Duration waited = Duration.ofNanos(System.nanoTime() - startedNanos);
            line.append(SPINNER[frame % SPINNER.length]).append(' ').append(text)
                    .append(String.format(" ... %d.%ds", waited.toSeconds(), waited.toMillisPart() / 100));
        } else {
            line.append(text);
        }
        err.print(line);
        err.flush();
    }

    private void stopTicker() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
    }

    /** Whether a person is watching: a console, and on JDK 22+ one that really is a terminal. */
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a non-null console means a terminal
        }
    }
}
