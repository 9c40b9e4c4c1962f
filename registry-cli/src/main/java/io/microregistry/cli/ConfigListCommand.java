package io.microregistry.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code micro-registry config list [<prefix>]}: keys under a prefix (a directory: app, never app2). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the keys under a prefix (default: all), with versions and values.")
final class ConfigListCommand implements Callable<Integer> {
    private static final int SHOWN = 60;

    @ParentCommand
    private ConfigCommand config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<prefix>", description = "Prefix, e.g. greeter (default: all).")
    private String prefix = "";

    @Override
    public Integer call() {
        MicroRegistry root = config.root();
        List<ConfigEntry> entries;
        try (Config client = config.open()) {
            entries = client.list(prefix);
        }
        PrintWriter out = root.out();
        if (root.json()) {
            ArrayNode array = Json.array();
            entries.forEach(e -> array.add(ConfigCommand.json(e)));
            out.println(Json.pretty(array));
        } else if (entries.isEmpty()) {
            out.println("no keys under '" + prefix + "' on " + root.target().describe());
        } else {
            Table table = new Table("KEY", "VERSION", "VALUE");
            for (ConfigEntry e : entries) {
                String text = ConfigCommand.utf8(e.value());
                String shown = text == null ? "(" + e.value().length + " bytes of binary)"
                        : text.replaceAll("[\\r\\n]+", " ");
                table.row(e.key(), Long.toString(e.version()), shown.length() > SHOWN ? shown.substring(0, SHOWN) + "…" : shown);
            }
            table.print(out, "");
        }
        out.flush();
        return ExitCode.OK;
    }
}
