package io.microregistry.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.cache.CachingRegistry;
import io.microregistry.selector.Filter;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code micro-registry select <service>}: which node each of N selections picks, as a client using the
 * {@link Selector} would see it, and how the picks spread over the nodes.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
        description = "Show which node each of N selections picks, with a strategy. Exit 1 if no node can be picked.")
final class SelectCommand implements Callable<Integer> {

    @ParentCommand
    private MicroRegistry root;

    @Parameters(index = "0", paramLabel = "<service>", description = "Service name.")
    private String service;

    @Option(names = {"-s", "--strategy"}, paramLabel = "<strategy>", defaultValue = "round-robin",
            description = "random, round-robin, weighted (by the node's 'weight' metadata) or p2c (default: ${DEFAULT-VALUE}).")
    private String strategy;

    @Option(names = {"-n", "--count"}, paramLabel = "<N>", defaultValue = "10",
            description = "How many selections (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(names = "--filter-version", paramLabel = "<version>", description = "Only nodes of this service version.")
    private String version;

    @Option(names = "--filter-meta", paramLabel = "<key=value>", description = "Only nodes with this metadata; repeatable.")
    private Map<String, String> meta = new LinkedHashMap<>();

    @Override
    public Integer call() {
        if (count < 1) {
            throw new CommandFailure(ExitCode.USAGE, "--count must be at least 1, was " + count);
        }
        Strategy chosen = Strategy.named(strategy);
        Filter filter = (s, n) -> true;
        if (version != null) {
            filter = Filter.version(version);
        }
        for (Map.Entry<String, String> e : meta.entrySet()) {
            filter = filter.and(Filter.metadata(e.getKey(), e.getValue()));
        }
        List<Node> picks = new ArrayList<>(count);
        Map<String, String> versionOf = new TreeMap<>();
        try (Registry registry = root.open();
             CachingRegistry cache = CachingRegistry.view(registry);
             Selector selector = Selector.of(cache, chosen);
             ProgressLine progress = ProgressLine.onStderr(root.err())) {
            progress.waiting("looking up " + service + " on " + root.target().describe());
            for (int i = 0; i < count; i++) {
                picks.add(selector.select(service, filter));
            }
            for (Service s : cache.getService(service)) {
                s.nodes().forEach(n -> versionOf.put(n.id(), s.version()));
            }
        } catch (NoSuchElementException e) {
            throw CommandFailure.notFound(e.getMessage() + " on " + root.target().describe());
        }
        Map<String, Integer> spread = new TreeMap<>();
        picks.forEach(n -> spread.merge(n.id(), 1, Integer::sum));
        PrintWriter out = root.out();
        if (root.json()) {
            ObjectNode result = Json.object().put("service", service).put("strategy", chosen.toString());
            ArrayNode array = result.putArray("picks");
            for (Node n : picks) {
                array.addObject().put("node", n.id()).put("address", n.address())
                        .put("version", versionOf.getOrDefault(n.id(), ""));
            }
            ObjectNode counts = result.putObject("counts");
            spread.forEach(counts::put);
            out.println(Json.pretty(result));
        } else {
            Table table = new Table("#", "NODE", "ADDRESS", "VERSION");
            for (int i = 0; i < picks.size(); i++) {
                Node n = picks.get(i);
                table.row(i + 1, n.id(), n.address(), versionOf.getOrDefault(n.id(), ""));
            }
            table.print(out, "");
            out.println();
            out.println(count + " selections of " + service + " with " + chosen + ":");
            Table summary = new Table("NODE", "PICKS");
            spread.forEach(summary::row);
            summary.print(out, "  ");
        }
        out.flush();
        return ExitCode.OK;
    }
}
