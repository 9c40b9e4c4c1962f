package io.microregistry.cli;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.examples.greeter.FailedAttempt;
import io.microregistry.examples.greeter.GreeterClient;
import io.microregistry.examples.greeter.GreeterNode;
import io.microregistry.examples.greeter.Greeting;
import io.microregistry.selector.Ejection;
import io.microregistry.selector.Filter;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code micro-registry demo}: three greeter nodes register themselves, a client finds them through a
 * round-robin selector and calls each in turn; one node crashes and the client routes around it; its
 * registration goes and the client stops seeing it; then everything deregisters. Exit 0 when every call
 * was answered.
 *
 * <p>Every part shares one {@link Registry} client: the {@code memory} backend is private to the client that
 * opened it, and one client is all a process needs on the other backends too. Node ids carry a per-run suffix
 * and the client filters on it, so two demos on one etcd or Consul do not call each other's nodes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run three greeter nodes and a client that discovers and calls them, in this process.")
final class DemoCommand implements Callable<Integer> {
    private static final String SERVICE = "greeter";
    private static final String VERSION = "1.0.0";
    private static final String RUN_KEY = "demo-run";
    private static final Duration SETTLE = Duration.ofSeconds(15);

    @ParentCommand
    private MicroRegistry root;

    private PrintWriter out;
    private int calls;

    @Override
    public Integer call() throws IOException, InterruptedException {
        out = root.out();
        String run = UUID.randomUUID().toString().substring(0, 4);
        out.println("micro-registry demo: service '" + SERVICE + "' on " + root.target().describe());
        List<GreeterNode> nodes = new ArrayList<>();
        try (Registry registry = root.open();
             CachingRegistry cache = CachingRegistry.view(registry);
             Selector selector = Selector.of(cache, Strategy.roundRobin())) {
            try {
                step(1, "three greeter nodes start on free loopback ports and register themselves");
                Table started = new Table("NODE", "ADDRESS", "VERSION");
                for (int i = 1; i <= 3; i++) {
                    GreeterNode node = GreeterNode.start(registry, SERVICE, VERSION, SERVICE + "-" + i + "-" + run,
                            Map.of(RUN_KEY, run), RegisterOptions.ttl(Duration.ofSeconds(10)));
                    nodes.add(node);
                    started.row(node.node().id(), node.node().address(), VERSION);
                }
                started.print(out, "   ");

                Filter thisRun = Filter.metadata(RUN_KEY, run);
                GreeterClient client = new GreeterClient(selector, SERVICE, thisRun, 3, Duration.ofSeconds(2));
                step(2, "a client discovers them through a round-robin selector and calls each in turn");
                awaitView(cache, run, 3);
                callTimes(client, 6);

                GreeterNode crashed = nodes.get(1);
                step(3, crashed.node().id() + " stops answering (as if it crashed; it is still registered)");
                crashed.stopServing();
                callTimes(client, 8);
                out.println("   each failure is reported to the selector; after " + Ejection.DEFAULT.failures()
                        + " in a row it leaves the node out for a while");

                step(4, crashed.node().id() + " deregisters (as a crashed node's TTL expiry would); the client's view follows");
                crashed.close();
                awaitView(cache, run, 2);
                callTimes(client, 4);
            } finally {
                step(5, "the nodes deregister and stop");
                for (GreeterNode node : nodes) {
                    node.close();
                }
                out.println("   " + nodes.size() + " nodes deregistered; " + remaining(registry, run) + " left in the registry");
            }
        }
        out.println();
        out.println("demo finished: " + calls + " calls, every one answered");
        out.flush();
        return ExitCode.OK;
    }

    private void step(int number, String text) {
        out.println();
        out.println(number + ". " + text);
        out.flush();
    }

    private void callTimes(GreeterClient client, int times) throws InterruptedException {
        for (int i = 0; i < times; i++) {
            calls++;
            Greeting greeting = client.hello("demo");
            StringBuilder line = new StringBuilder(String.format("   call %2d  ", calls));
            for (FailedAttempt failed : greeting.failures()) {
                line.append(failed.node().id()).append(": ").append(failed.reason()).append(", retried -> ");
            }
            line.append("answered by ").append(greeting.node().id()).append(": \"").append(greeting.message()).append('"');
            out.println(line);
            out.flush();
        }
    }

    /** Waits (bounded) until the selector's cache holds exactly {@code expected} nodes of this run. */
    private void awaitView(CachingRegistry cache, String run, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (true) {
            List<String> seen = nodesOfRun(cache.getService(SERVICE), run);
            if (seen.size() == expected) {
                out.println("   the client sees " + expected + " nodes: " + String.join(", ", seen));
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new CommandFailure(ExitCode.INTERNAL, "demo failed: the client saw " + seen + " after "
                        + SETTLE.toSeconds() + "s, expected " + expected + " nodes");
            }
            Thread.sleep(20); // the cache follows a watch; poll it, bounded by the deadline above
        }
    }

    private static long remaining(Registry registry, String run) {
        return nodesOfRun(registry.getService(SERVICE), run).size();
    }

    private static List<String> nodesOfRun(List<Service> versions, String run) {
        return versions.stream()
                .flatMap(s -> s.nodes().stream())
                .filter(n -> run.equals(n.metadata().get(RUN_KEY)))
                .map(Node::id)
                .collect(Collectors.toCollection(TreeSet::new))
                .stream().toList();
    }
}
