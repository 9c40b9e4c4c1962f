package io.microregistry.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a child's stream line by line on a thread of its own, so tests can wait for a line to appear. */
final class StreamCollector {
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private StreamCollector(InputStream in, String name) {
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the child went away; what was read is kept
            }
        }, "cli-" + name);
        reader.setDaemon(true);
    }

    static StreamCollector drain(InputStream in, String name) {
        StreamCollector collector = new StreamCollector(in, name);
        collector.reader.start();
        return collector;
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        lines().forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Waits for end of stream (the child has exited, so this is short). */
    void await() throws InterruptedException {
        reader.join(10_000);
    }
}
