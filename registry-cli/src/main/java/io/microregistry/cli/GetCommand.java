package io.microregistry.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Value;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code micro-registry get <service>}: versions, nodes, addresses, metadata and endpoints of one service. */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Show one service: its versions, nodes, addresses, metadata and endpoints. Exit 1 if it is not registered.")
final class GetCommand implements Callable<Integer> {

    @ParentCommand
    private MicroRegistry root;

    @Parameters(index = "0", paramLabel = "<service>", description = "Service name.")
    private String service;

    @Override
    public Integer call() {
        List<Service> versions;
        try (Registry registry = root.open();
             ProgressLine progress = ProgressLine.onStderr(root.err())) {
            progress.waiting("looking up " + service + " on " + root.target().describe());
            versions = registry.getService(service);
        }
        if (versions.isEmpty()) {
            throw CommandFailure.notFound("service '" + service + "' not found on " + root.target().describe());
        }
        PrintWriter out = root.out();
        if (root.json()) {
            ArrayNode array = Json.array();
            versions.forEach(v -> array.add(Json.service(v)));
            out.println(Json.pretty(array));
        } else {
            for (int i = 0; i < versions.size(); i++) {
                if (i > 0) {
                    out.println();
                }
                print(out, versions.get(i));
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static void print(PrintWriter out, Service s) {
        out.println("service  " + s.name());
        out.println("version  " + (s.version().isEmpty() ? "-" : s.version()));
        if (!s.metadata().isEmpty()) {
            out.println("metadata " + pairs(s.metadata()));
        }
        out.println();
        Table nodes = new Table("NODE", "ADDRESS", "METADATA");
        for (Node n : s.nodes()) {
            nodes.row(n.id(), n.address(), pairs(n.metadata()));
        }
        nodes.print(out, "");
        if (!s.endpoints().isEmpty()) {
            out.println();
            Table endpoints = new Table("ENDPOINT", "REQUEST", "RESPONSE", "METADATA");
            for (Endpoint e : s.endpoints()) {
                endpoints.row(e.name(), shape(e.request()), shape(e.response()), pairs(e.metadata()));
            }
            endpoints.print(out, "");
        }
    }

    private static String pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }

    /** {@code HelloRequest{name string}}: a value tree on one line. */
    private static String shape(Value value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(value.name().isEmpty() ? value.type() : value.name() + " " + value.type());
        if (!value.values().isEmpty()) {
            sb.append(value.values().stream().map(GetCommand::shape).collect(Collectors.joining(", ", "{", "}")));
        }
        return sb.toString();
    }
}
