package io.microregistry.cli;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code micro-registry config get <key>}: prints the value (human) or the entry (JSON). Exit 1 if absent. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print one key's value. Exit 1 if the key does not exist.")
final class ConfigGetCommand implements Callable<Integer> {

    @ParentCommand
    private ConfigCommand config;

    @Parameters(index = "0", paramLabel = "<key>", description = "Key, e.g. greeter/greeting.")
    private String key;

    @Override
    public Integer call() {
        MicroRegistry root = config.root();
        Optional<ConfigEntry> entry;
        try (Config client = config.open()) {
            entry = client.get(key);
        }
        if (entry.isEmpty()) {
            throw CommandFailure.notFound("config key '" + key + "' not found on " + root.target().describe());
        }
        PrintWriter out = root.out();
        if (root.json()) {
            out.println(Json.pretty(ConfigCommand.json(entry.get())));
        } else {
            String text = ConfigCommand.utf8(entry.get().value());
            out.println(text != null ? text : "(" + entry.get().value().length + " bytes of binary; use --output json)");
        }
        out.flush();
        return ExitCode.OK;
    }
}
