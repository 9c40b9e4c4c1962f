package io.microregistry.selector;

import io.microregistry.Node;
import io.microregistry.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One snapshot of a service laid out for selection: its nodes flattened across versions, the
 * version ({@link Service}) and health of each, their weights, and the candidates of each filter
 * seen on this snapshot. Rebuilt when the cache publishes a new snapshot; identified by it.
 *
 * <p>Thread-safe: immutable apart from the filter memo, a concurrent map.
 */
final class NodeView {

    /** Most distinct filters remembered per snapshot; beyond that a filter is evaluated per call. */
    private static final int MAX_MEMOISED_FILTERS = 64;

    /** The cache snapshot this view was built from (compared by identity). */
    final List<Service> source;
    final Service[] owners;
    final Node[] nodes;
    final NodeHealth[] health;
    final int[] weights;
    final Candidates all;
    private final ConcurrentHashMap<Filter, Candidates> memo = new ConcurrentHashMap<>();

    NodeView(List<Service> source, Map<String, NodeHealth> healthById) {
        this.source = source;
        List<Service> owning = new ArrayList<>();
        List<Node> flat = new ArrayList<>();
        for (Service version : source) {
            for (Node node : version.nodes()) {
                owning.add(version);
                flat.add(node);
            }
        }
        int n = flat.size();
        owners = owning.toArray(new Service[0]);
        nodes = flat.toArray(new Node[0]);
        health = new NodeHealth[n];
        weights = new int[n];
        int[] everyone = new int[n];
        for (int i = 0; i < n; i++) {
            health[i] = healthById.computeIfAbsent(nodes[i].id(), NodeHealth::new);
            weights[i] = weight(nodes[i]);
            everyone[i] = i;
        }
        all = new Candidates(everyone, weights);
    }

    /** The candidates passing {@code filter}, memoised per filter on this snapshot. */
    Candidates candidates(Filter filter) {
        Candidates known = memo.get(filter);
        if (known != null) {
            return known;
        }
        Candidates computed = compute(filter);
        if (memo.size() < MAX_MEMOISED_FILTERS) {
            memo.putIfAbsent(filter, computed);
        }
        return computed;
    }

    private Candidates compute(Filter filter) {
        int[] passing = new int[nodes.length];
        int count = 0;
        for (int i = 0; i < nodes.length; i++) {
            if (filter.test(owners[i], nodes[i])) {
                passing[count++] = i;
            }
        }
        return new Candidates(java.util.Arrays.copyOf(passing, count), weights);
    }

    /** A node's {@link Strategy#WEIGHT_KEY} metadata: a non-negative integer, else 1. */
    static int weight(Node node) {
        String text = node.metadata().get(Strategy.WEIGHT_KEY);
        if (text == null) {
            return 1;
        }
        try {
            int weight = Integer.parseInt(text.trim());
            return weight < 0 ? 1 : weight;
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
