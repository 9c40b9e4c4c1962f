package io.microregistry.tck.fuzz;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.Value;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generator of hostile registrations: names, versions, node ids, addresses, metadata
 * and endpoint {@link Value} trees built from pieces an attacker or a careless user would
 * try (lone surrogate halves, emoji, right-to-left marks, combining accents, path syntax,
 * percent escapes, wildcards, quotes, case twins, 10 KB and 1 MB strings, trees thousands
 * deep), mixed with plain values so that a good share is accepted and can collide with
 * what came before. The same seed gives the same sequence.
 *
 * <p>Not thread-safe: one generator per run.
 */
public final class FuzzInputs {

    /** Pieces names are glued from; several are lookalikes of one another on purpose. */
    static final List<String> PIECES = List.of(
            "a", "x", "x?", "?", "*", "\\", "\"", "'", "/", "//", ".", "..", "../x", "a/../b", "%", "%2F", "%25",
            "%3F", "-", "a-b", "a/b", "\uD800", "\uDBFF", "\uDC00", "\uD83D\uDE80", "\u202E", "\u200F", "\u200B",
            "e\u0301", "\u00E9", "\uFFFE", "\uE000", "\u0000", "\n", "\t", " ", "Node-1", "node-1", "\u65E5\u672C",
            "\u05E9\u05DC\u05D5\u05DD", "@", ":", "#", "{}", "[", "<script>", "sentinel");

    private static final String TEN_KB = "k".repeat(10 * 1024);
    private static final String LONG_NAME = "n".repeat(255);
    private static final String TOO_LONG_NAME = "n".repeat(256);
    private static final int[] DEPTHS = {1, 2, 3, 8, 32, 33, 500, 3000};

    private final Random random;
    private int counter;

    /** @param seed the same seed gives the same inputs */
    public FuzzInputs(long seed) {
        this.random = new Random(seed);
    }

    /** The next registration to try: one to three nodes. */
    public Service next() {
        counter++;
        String name = identity(0.45);
        int nodeCount = 1 + (random.nextInt(10) < 7 ? 0 : random.nextInt(3));
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new Node(identity(0.5), address(), metadata()));
        }
        List<Endpoint> endpoints = new ArrayList<>();
        int endpointCount = random.nextInt(3);
        for (int i = 0; i < endpointCount; i++) {
            endpoints.add(new Endpoint(identity(0.75), valueTree(), random.nextBoolean() ? null : valueTree(),
                    metadata()));
        }
        return new Service(name, random.nextInt(4) == 0 ? "" : identity(0.5), metadata(), endpoints, nodes);
    }

    /** A plain, accepted name, for sentinels and picks. */
    String plain(String prefix) {
        return prefix + "-" + counter + "-" + random.nextInt(1000);
    }

    /** A name-like string: with probability {@code plain} an ordinary one, otherwise glued from pieces. */
    private String identity(double plain) {
        double roll = random.nextDouble();
        if (roll < plain) {
            // Few distinct plain names, so accepted registrations meet each other.
            return "svc" + random.nextInt(8);
        }
        int special = random.nextInt(100);
        if (special < 2) {
            return TOO_LONG_NAME;
        }
        if (special < 4) {
            return LONG_NAME;
        }
        if (special < 5) {
            return TEN_KB;
        }
        StringBuilder out = new StringBuilder();
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            out.append(PIECES.get(random.nextInt(PIECES.size())));
        }
        return out.toString();
    }

    private String address() {
        int roll = random.nextInt(10);
        if (roll < 6) {
            return "127.0.0.1:" + (1024 + random.nextInt(60000));
        }
        if (roll < 7) {
            return "[::1]:" + (1024 + random.nextInt(60000));
        }
        return identity(0.0);
    }

    private Map<String, String> metadata() {
        Map<String, String> map = new LinkedHashMap<>();
        int entries = random.nextInt(4);
        for (int i = 0; i < entries; i++) {
            map.put(identity(0.75), metadataValue());
        }
        return map;
    }

    private String metadataValue() {
        int roll = random.nextInt(200);
        if (roll == 0) {
            return "m".repeat(1024 * 1024);
        }
        if (roll < 6) {
            return TEN_KB;
        }
        if (roll < 100) {
            return "v" + random.nextInt(100);
        }
        return identity(0.0);
    }

    private Value valueTree() {
        if (random.nextInt(4) == 0) {
            return null;
        }
        int depth = DEPTHS[random.nextInt(DEPTHS.length)];
        Value v = new Value(identity(0.8), identity(0.8), List.of());
        for (int i = 1; i < depth; i++) {
            v = new Value(i % 50 == 0 ? identity(0.5) : "f" + i, "object", List.of(v));
        }
        return v;
    }
}
