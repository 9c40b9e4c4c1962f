package io.microregistry.cli;

import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A command that keeps running (register, watch) in a child JVM; stopped with SIGTERM as Ctrl-C would. */
final class RunningCli implements AutoCloseable {
    static final Duration START_BOUND = Duration.ofSeconds(60);

    private final List<String> args;
    private final Process process;
    private final StreamCollector out;
    private final StreamCollector err;

    RunningCli(List<String> args, Process process, StreamCollector out, StreamCollector err) {
        this.args = args;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Waits until a stdout line passes {@code test}; fails with the output so far if it ends or times out. */
    String awaitStdout(Predicate<String> test, Duration bound) {
        return awaitLine(out, "stdout", test, bound);
    }

    String awaitStderr(Predicate<String> test, Duration bound) {
        return awaitLine(err, "stderr", test, bound);
    }

    private String awaitLine(StreamCollector stream, String name, Predicate<String> test, Duration bound) {
        return Awaitility.await("a line on " + name + " of: micro-registry " + String.join(" ", args))
                .atMost(bound)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    List<String> lines = stream.lines();
                    for (String line : lines) {
                        if (test.test(line)) {
                            return line;
                        }
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("micro-registry " + String.join(" ", args) + " exited with "
                                + process.exitValue() + " first; " + this);
                    }
                    return null;
                }, line -> line != null);
    }

    /** SIGTERM (what Ctrl-C's shutdown path does too), then waits; returns the exit status. */
    CliResult terminate() {
        // Through the handle: Process.destroy() would also close our end of stdout/stderr and lose the
        // lines the shutdown hook prints.
        process.toHandle().destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("did not end within 60s of SIGTERM: " + this);
            }
            out.await();
            err.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new CliResult(args, process.exitValue(), out.text(), err.text());
    }

    /** SIGKILL: the process dies without running its shutdown hooks. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "micro-registry " + String.join(" ", args) + "\n--- stdout ---\n" + out.text() + "--- stderr ---\n" + err.text();
    }
}
