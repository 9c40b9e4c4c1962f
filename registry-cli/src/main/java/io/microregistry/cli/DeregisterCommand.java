package io.microregistry.cli;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry deregister <service> <nodeId>}: removes one node, whoever registered it. Exit 1 if
 * that node is not registered, so a script can tell a removal from a no-op.
 */
@Command(name = "deregister", mixinStandardHelpOptions = true,
        description = "Remove one node of a service, whoever registered it. Exit 1 if it is not registered.")
final class DeregisterCommand implements Callable<Integer> {

    @ParentCommand
    private MicroRegistry root;

    @Parameters(index = "0", paramLabel = "<service>", description = "Service name.")
    private String service;

    @Parameters(index = "1", paramLabel = "<nodeId>", description = "Node id, as 'get' shows it.")
    private String nodeId;

    @Override
    public Integer call() {
        String where = root.target().describe();
        Service removed = null;
        try (Registry registry = root.open();
             ProgressLine progress = ProgressLine.onStderr(root.err())) {
            progress.waiting("deregistering " + service + " node " + nodeId + " on " + where);
            removed = find(registry.getService(service));
            if (removed != null) {
                registry.deregister(removed);
            }
        }
        if (removed == null) {
            throw CommandFailure.notFound("node '" + nodeId + "' of service '" + service + "' not found on " + where);
        }
        PrintWriter out = root.out();
        out.println(root.json()
                ? Json.pretty(Json.object().put("service", service).put("node", nodeId)
                        .put("version", removed.version()).put("deregistered", true))
                : "deregistered " + service + " node " + nodeId + " from " + where);
        out.flush();
        return ExitCode.OK;
    }

    /** The version holding the node, with just that node; null if no version has it. */
    private Service find(List<Service> versions) {
        for (Service version : versions) {
            for (Node node : version.nodes()) {
                if (node.id().equals(nodeId)) {
                    return version.withNode(node);
                }
            }
        }
        return null;
    }
}
