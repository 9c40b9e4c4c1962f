package io.microregistry.cli;

import io.microregistry.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code micro-registry config delete <key>}: exit 1 if there was nothing to delete. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete one key (not the keys under it). Exit 1 if it did not exist.")
final class ConfigDeleteCommand implements Callable<Integer> {

    @ParentCommand
    private ConfigCommand config;

    @Parameters(index = "0", paramLabel = "<key>", description = "Key, e.g. greeter/greeting.")
    private String key;

    @Override
    public Integer call() {
        MicroRegistry root = config.root();
        boolean deleted;
        try (Config client = config.open()) {
            deleted = client.delete(key);
        }
        if (!deleted) {
            throw CommandFailure.notFound("config key '" + key + "' not found on " + root.target().describe());
        }
        PrintWriter out = root.out();
        out.println(root.json() ? Json.line(Json.object().put("key", key).put("deleted", true)) : "deleted " + key);
        out.flush();
        return ExitCode.OK;
    }
}
