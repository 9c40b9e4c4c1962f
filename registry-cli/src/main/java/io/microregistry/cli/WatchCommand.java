package io.microregistry.cli;

import io.microregistry.Registry;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry watch [<service>]}: prints every change as it happens until Ctrl-C. Human output is
 * one line per event; JSON output is one document per line: {@code {"action":"create","service":{...}}},
 * go-micro's watch result shape.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print registrations, updates and removals as they happen, until Ctrl-C.")
final class WatchCommand implements Callable<Integer>, KeepsRunning {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @ParentCommand
    private MicroRegistry root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<service>", description = "Only this service (default: all).")
    private String service;

    @Override
    public Integer call() throws InterruptedException {
        String what = service == null ? "all services" : service;
        Registry registry = root.open();
        ProgressLine progress = ProgressLine.onStderr(root.err());
        Watcher watcher;
        try {
            progress.waiting("opening a watch on " + root.target().describe());
            watcher = registry.watch(service == null ? WatchOptions.all() : WatchOptions.service(service));
        } catch (RuntimeException e) {
            progress.close();
            registry.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            watcher.stop();
            registry.close();
            progress.close();
        }, "micro-registry-watch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String status = "watching " + what + " on " + root.target().describe() + " (Ctrl-C to stop)";
        root.noteIfInProcess();
        root.established();
        progress.status(status);
        PrintWriter out = root.out();
        long events = 0;
        try {
            while (true) {
                WatchEvent event = watcher.next();
                events++;
                progress.hide();
                out.println(root.json() ? json(event) : human(event));
                out.flush();
                progress.status(status + " - " + events + (events == 1 ? " event" : " events"));
            }
        } catch (WatcherStoppedException stopped) {
            return ExitCode.OK;
        }
    }

    private static String human(WatchEvent e) {
        return String.format("%s  %-6s  %s  %s  node %s  %s", LocalTime.now().format(TIME), e.type(),
                e.service().name(), e.service().version().isEmpty() ? "-" : e.service().version(),
                e.node().id(), e.node().address());
    }

    private static String json(WatchEvent e) {
        return Json.line(Json.object()
                .put("action", e.type().name().toLowerCase(Locale.ROOT))
                .set("service", Json.service(e.service())));
    }
}
