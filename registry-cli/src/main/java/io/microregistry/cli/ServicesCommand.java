package io.microregistry.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.microregistry.Registry;
import io.microregistry.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code micro-registry services}: every service with its versions and node counts. */
@Command(name = "services", mixinStandardHelpOptions = true,
        description = "List every registered service with its version and node count.")
final class ServicesCommand implements Callable<Integer> {

    @ParentCommand
    private MicroRegistry root;

    @Override
    public Integer call() {
        List<Service> services;
        try (Registry registry = root.open();
             ProgressLine progress = ProgressLine.onStderr(root.err())) {
            progress.waiting("listing services on " + root.target().describe());
            services = registry.listServices();
        }
        PrintWriter out = root.out();
        if (root.json()) {
            ArrayNode array = Json.array();
            for (Service s : services) {
                array.addObject().put("name", s.name()).put("version", s.version()).put("nodes", s.nodes().size());
            }
            out.println(Json.pretty(array));
        } else if (services.isEmpty()) {
            out.println("No services registered on " + root.target().describe() + ".");
            root.noteIfInProcess();
        } else {
            Table table = new Table("SERVICE", "VERSION", "NODES");
            services.forEach(s -> table.row(s.name(), s.version(), s.nodes().size()));
            table.print(out, "");
        }
        out.flush();
        return ExitCode.OK;
    }
}
