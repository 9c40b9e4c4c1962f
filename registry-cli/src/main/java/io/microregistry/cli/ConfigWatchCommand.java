package io.microregistry.cli;

import io.microregistry.WatcherStoppedException;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigWatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry config watch [<prefix>]}: one line per change until Ctrl-C; JSON is one document per
 * line, {@code {"action":"put","key":..,"value":..,"version":..,"revision":..}}.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Print every change under a prefix (default: all) as it happens, until Ctrl-C.")
final class ConfigWatchCommand implements Callable<Integer>, KeepsRunning {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @ParentCommand
    private ConfigCommand config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<prefix>", description = "Prefix, e.g. greeter (default: all).")
    private String prefix = "";

    @Override
    public Integer call() throws InterruptedException {
        MicroRegistry root = config.root();
        Config client = config.open();
        ProgressLine progress = ProgressLine.onStderr(root.err());
        ConfigWatcher watcher;
        try {
            progress.waiting("opening a config watch on " + root.target().describe());
            watcher = client.watch(prefix);
        } catch (RuntimeException e) {
            progress.close();
            client.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            watcher.stop();
            client.close();
            progress.close();
        }, "micro-registry-config-watch-shutdown"));
        String status = "watching config '" + prefix + "' on " + root.target().describe() + " (Ctrl-C to stop)";
        root.noteIfInProcess();
        root.established();
        progress.status(status);
        PrintWriter out = root.out();
        try {
            while (true) {
                ConfigChange change = watcher.next();
                progress.hide();
                out.println(root.json() ? json(change) : human(change));
                out.flush();
                progress.status(status);
            }
        } catch (WatcherStoppedException stopped) {
            return ExitCode.OK;
        }
    }

    private static String human(ConfigChange c) {
        String value = c.entry().map(e -> {
            String text = ConfigCommand.utf8(e.value());
            return text == null ? "(" + e.value().length + " bytes of binary)" : text.replaceAll("[\\r\\n]+", " ");
        }).orElse("");
        return String.format("%s  %-6s  %s%s", LocalTime.now().format(TIME), c.type(), c.key(),
                c.type() == ConfigChange.Type.PUT ? " = " + value : "");
    }

    private static String json(ConfigChange c) {
        var node = c.entry().map(ConfigCommand::json).orElseGet(() -> Json.object().put("key", c.key())
                .put("revision", c.revision()));
        node.put("action", c.type().name().toLowerCase(Locale.ROOT));
        return Json.line(node);
    }
}
