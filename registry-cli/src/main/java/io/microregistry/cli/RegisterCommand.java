package io.microregistry.cli;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code micro-registry register <service> <address>}: registers one node and keeps it alive until Ctrl-C
 * (or SIGTERM), then deregisters it before exiting, so it disappears at once rather than after its TTL.
 */
@Command(name = "register", mixinStandardHelpOptions = false,
        description = "Register a node and keep it alive until Ctrl-C, then deregister it.")
final class RegisterCommand implements Callable<Integer>, KeepsRunning {

    @ParentCommand
    private MicroRegistry root;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Parameters(index = "0", paramLabel = "<service>", description = "Service name.")
    private String service;

    @Parameters(index = "1", paramLabel = "<address>", description = "Where the node is reached, host:port.")
    private String address;

    @Option(names = "--version", paramLabel = "<version>", defaultValue = "latest",
            description = "Service version (default: ${DEFAULT-VALUE}).")
    private String version;

    @Option(names = "--id", paramLabel = "<nodeId>",
            description = "Node id (default: <service>-<random uuid>, as go-micro does).")
    private String id;

    @Option(names = "--meta", paramLabel = "<key=value>", description = "Node metadata; repeat for more entries.")
    private Map<String, String> meta = new LinkedHashMap<>();

    @Option(names = "--ttl", paramLabel = "<duration>", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long the node outlives this process if it is killed (default: ${DEFAULT-VALUE}).")
    private Duration ttl;

    @Override
    public Integer call() throws InterruptedException {
        RegisterOptions options = RegisterOptions.ttl(ttl);
        Node node = new Node(id == null ? service + "-" + UUID.randomUUID() : id, address, meta);
        Service registration = Service.builder(service).version(version).node(node).build();
        String where = root.target().describe();
        PrintWriter out = root.out();
        Registry registry = root.open();
        ProgressLine progress = ProgressLine.onStderr(root.err());
        try {
            progress.waiting("registering " + service + " node " + node.id() + " on " + where);
            registry.register(registration, options);
        } catch (RuntimeException e) {
            progress.close();
            registry.close();
            throw e;
        }
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            progress.close();
            try {
                registry.deregister(registration);
                out.println(root.json() ? event("deregistered", registration)
                        : "deregistered " + service + " node " + node.id());
            } catch (RuntimeException e) {
                root.err().println("micro-registry: could not deregister " + node.id() + " (it expires within "
                        + ttl.toSeconds() + "s): " + e.getMessage());
            } finally {
                registry.close();
                out.flush();
                root.err().flush();
            }
        }, "micro-registry-deregister"));
        out.println(root.json() ? event("registered", registration)
                : "registered " + service + " " + version + " node " + node.id() + " at " + address + " on " + where);
        out.flush();
        root.noteIfInProcess();
        root.established();
        progress.status("keeping " + node.id() + " alive (TTL " + ttl.toSeconds() + "s); Ctrl-C to deregister and exit");
        forever.await();
        return ExitCode.OK;
    }

    private static String event(String what, Service registration) {
        return Json.line(Json.object().put("event", what).set("service", Json.service(registration)));
    }
}
