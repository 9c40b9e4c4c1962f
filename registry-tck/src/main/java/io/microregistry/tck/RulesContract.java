package io.microregistry.tck;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegistrationRules;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.Value;
import io.microregistry.WatchOptions;
import io.microregistry.backend.ServiceJson;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every field a registration carries × every rule {@link RegistrationRules} enforces, generated
 * from one table rather than probed once: each broken value is rejected with an
 * {@link IllegalArgumentException} naming the field, by every operation that takes it; each
 * value at the edge of a rule (longest allowed, empty where allowed) is accepted and comes
 * back exactly; and a call rejected for any field writes nothing, not even its valid nodes.
 * The limits on a whole record (values per endpoint, bytes of one node's record) are generated
 * the same way, from {@link #limits()}: one over is rejected naming what is too big, and a
 * record of exactly the largest size is accepted and comes back whole.
 */
public abstract class RulesContract extends Contract {

    protected RulesContract(RegistryFixture fixture) {
        super(fixture);
    }

    /** Which character rules apply to a field, as {@link RegistrationRules} sorts them. */
    enum Kind {
        /** Names and keys: no control, invisible format or noncharacter code points. */
        IDENTITY,
        /** Addresses: no control characters. */
        TEXT,
        /** Metadata values: no control characters except TAB, LF and CR. */
        FREE_TEXT
    }

    /**
     * One field of a registration: its name as messages say it, whether it may be empty, its
     * longest allowed length, its kind, and how to build an otherwise valid service with a
     * given value in it (from a base name and the value).
     */
    record Field(String name, boolean mayBeEmpty, int maxLength, Kind kind, BiFunction<String, String, Service> with) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Node plain(String id) {
        return Node.of(id, "127.0.0.1:1");
    }

    private static Service withRequest(String base, Value request) {
        return new Service(base, "1", null, List.of(new Endpoint("Ok.Call", request, null, null)), List.of(plain("n1")));
    }

    static List<Field> fields() {
        int name = RegistrationRules.MAX_NAME_LENGTH;
        int value = RegistrationRules.MAX_METADATA_VALUE_LENGTH;
        return List.of(
                new Field("service name", false, name, Kind.IDENTITY,
                        (base, v) -> new Service(v, "1", null, null, List.of(plain("n1")))),
                new Field("service version", true, name, Kind.IDENTITY,
                        (base, v) -> new Service(base, v, null, null, List.of(plain("n1")))),
                new Field("service metadata key", false, name, Kind.IDENTITY,
                        (base, v) -> new Service(base, "1", Map.of(v, "x"), null, List.of(plain("n1")))),
                new Field("service metadata value", true, value, Kind.FREE_TEXT,
                        (base, v) -> new Service(base, "1", Map.of("k", v), null, List.of(plain("n1")))),
                new Field("endpoint name", false, name, Kind.IDENTITY, (base, v) -> new Service(base, "1", null,
                        List.of(Endpoint.of("Ok.Call"), Endpoint.of(v)), List.of(plain("n1")))),
                new Field("endpoint metadata key", false, name, Kind.IDENTITY, (base, v) -> new Service(base, "1", null,
                        List.of(new Endpoint("Ok.Call", null, null, Map.of(v, "x"))), List.of(plain("n1")))),
                new Field("endpoint metadata value", true, value, Kind.FREE_TEXT, (base, v) -> new Service(base, "1",
                        null, List.of(new Endpoint("Ok.Call", null, null, Map.of("k", v))), List.of(plain("n1")))),
                new Field("request value name", true, name, Kind.IDENTITY, (base, v) -> withRequest(base,
                        new Value("req", "Req", List.of(Value.of(v, "string"))))),
                new Field("request value type", true, name, Kind.IDENTITY, (base, v) -> withRequest(base,
                        new Value("req", "Req", List.of(Value.of("field", v))))),
                new Field("node id", false, name, Kind.IDENTITY, (base, v) -> new Service(base, "1", null, null,
                        List.of(plain("n1"), plain(v)))),
                new Field("node address", false, RegistrationRules.MAX_ADDRESS_LENGTH, Kind.TEXT,
                        (base, v) -> new Service(base, "1", null, null, List.of(plain("n1"), Node.of("n2", v)))),
                new Field("node metadata key", false, name, Kind.IDENTITY, (base, v) -> new Service(base, "1", null, null,
                        List.of(plain("n1"), new Node("n2", "127.0.0.1:2", Map.of(v, "x"))))),
                new Field("node metadata value", true, value, Kind.FREE_TEXT, (base, v) -> new Service(base, "1", null,
                        null, List.of(plain("n1"), new Node("n2", "127.0.0.1:2", Map.of("k", v))))));
    }

    /** Values breaking a rule of {@code field}, each with the rule it breaks. */
    static Map<String, String> broken(Field field) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!field.mayBeEmpty()) {
            values.put("", "empty");
            values.put("   ", "blank");
        }
        values.put("x".repeat(field.maxLength() + 1), "one character too long");
        if (field.kind() != Kind.FREE_TEXT) {
            values.put("line\nbreak", "control character \\n");
        }
        values.put("nul\u0000", "control character \\0");
        values.put("del\u007f", "control character DEL");
        values.put("c1\u0085", "C1 control character");
        values.put("half\uD83D", "unpaired surrogate");
        if (field.kind() == Kind.IDENTITY) {
            values.put("zero\u200Bwidth", "invisible format character");
            values.put("rtl\u202Eoverride", "invisible format character U+202E");
            values.put("non\uFDD0char", "noncharacter");
        }
        return values;
    }

    /** A value tree {@code depth} levels deep. */
    static Value chain(int depth) {
        Value value = Value.of("leaf", "string");
        for (int level = depth - 1; level > 0; level--) {
            value = new Value("level" + level, "Level" + level, List.of(value));
        }
        return value;
    }

    /** Values at the edge of the rules of {@code field}, all of which must be accepted. */
    static List<String> edges(Field field) {
        List<String> edges = new ArrayList<>(List.of("e".repeat(field.maxLength()), "ü日🚀 -./:@%"));
        if (field.mayBeEmpty()) {
            edges.add("");
        }
        if (field.kind() == Kind.FREE_TEXT) {
            edges.add("-----BEGIN-----\r\n\tline two\n-----END-----");
        }
        return edges;
    }

    /**
     * One limit on a whole record, broken one way: the words the rejection must contain (the
     * field, or the node whose record is too big) and how to build the breaking service from a
     * base name. Every breaking service also carries a valid node, which must not be written.
     */
    record Limit(String name, String field, java.util.function.Function<String, Service> over) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A value tree of exactly {@code count} values: a root and {@code count - 1} leaves. */
    static Value flat(String root, int count) {
        List<Value> leaves = new ArrayList<>(count - 1);
        for (int i = 1; i < count; i++) {
            leaves.add(Value.of("f" + i, "string"));
        }
        return new Value(root, "Root", leaves);
    }

    /**
     * Metadata of {@code chars} characters of {@code filler} in all, in values of the longest
     * length the rules allow (each within the rules, so only the record's size can break one).
     */
    static Map<String, String> bulk(int chars, String filler) {
        Map<String, String> metadata = new LinkedHashMap<>();
        int chunk = RegistrationRules.MAX_METADATA_VALUE_LENGTH;
        for (int i = 0; chars > 0; i++) {
            int n = Math.min(chunk, chars);
            metadata.put("k" + i, filler.repeat(n));
            chars -= n;
        }
        return metadata;
    }

    /**
     * The service {@code base} with node n1 and node n2 whose record is exactly {@code bytes}
     * bytes of JSON (ASCII metadata of n2 padded to size), or null if it cannot be built so.
     */
    static Service recordOfSize(String base, int bytes) {
        Service shell = new Service(base, "1", null, null, List.of(plain("n1")));
        Node n2 = new Node("n2", "127.0.0.1:2", Map.of());
        int empty = ServiceJson.encode(shell.withNode(n2)).length;
        // Each metadata entry "kN":"…" costs its value plus a few bytes of key and quotes; pad the last one.
        Map<String, String> metadata = bulk(bytes - empty, "m");
        for (int attempt = 0; attempt < 4; attempt++) {
            int size = ServiceJson.encode(shell.withNode(n2.withMetadata(metadata))).length;
            if (size == bytes) {
                return shell.withNodes(List.of(plain("n1"), n2.withMetadata(metadata)));
            }
            String lastKey = null;
            for (String key : metadata.keySet()) {
                lastKey = key;
            }
            String last = metadata.get(lastKey);
            int want = last.length() - (size - bytes);
            if (want < 1) {
                metadata.remove(lastKey);
            } else if (want > RegistrationRules.MAX_METADATA_VALUE_LENGTH) {
                metadata.put("k" + metadata.size(), "m".repeat(want - RegistrationRules.MAX_METADATA_VALUE_LENGTH));
            } else {
                metadata.put(lastKey, "m".repeat(want));
            }
        }
        return null;
    }

    /** Every limit on a whole record, each broken by the least that breaks it. */
    static List<Limit> limits() {
        int values = RegistrationRules.MAX_VALUES_PER_ENDPOINT;
        int bytes = RegistrationRules.MAX_RECORD_BYTES;
        return List.of(
                new Limit("values per endpoint: request tree one over", "endpoint Ok.Call", base -> new Service(base,
                        "1", null, List.of(new Endpoint("Ok.Call", flat("req", values + 1), null, null)),
                        List.of(plain("n1")))),
                new Limit("values per endpoint: request and response together one over", "endpoint Ok.Call",
                        base -> new Service(base, "1", null, List.of(Endpoint.of("Small.Call"), new Endpoint("Ok.Call",
                                flat("req", values / 2 + 1), flat("rsp", values - values / 2), null)),
                                List.of(plain("n1")))),
                new Limit("record bytes: one node's metadata one byte over", "record of node n2",
                        base -> recordOfSize(base, bytes + 1)),
                new Limit("record bytes: node metadata in multi-byte characters", "record of node n2",
                        base -> new Service(base, "1", null, null, List.of(plain("n1"),
                                new Node("n2", "127.0.0.1:2", bulk(bytes / 3 + 1, "\u65E5"))))),
                new Limit("record bytes: service metadata, in every node's record", "record of node n1",
                        base -> new Service(base, "1", bulk(bytes, "m"), null, List.of(plain("n1"), plain("n2")))),
                new Limit("record bytes: endpoint metadata, in every node's record", "record of node n1",
                        base -> new Service(base, "1", null, List.of(new Endpoint("Ok.Call", null, null,
                                bulk(bytes, "m"))), List.of(plain("n1"), plain("n2")))));
    }

    @Test
    void everyRecordLimitRejectsOneOverAndWritesNothing() {
        Registry client = client();
        String base = uniqueName("limits");
        List<String> missed = new ArrayList<>();
        for (Limit limit : limits()) {
            Service service = limit.over().apply(base);
            if (service == null) {
                missed.add(limit + ": the probe could not build its record");
                continue;
            }
            Throwable thrown = catchThrowable(() -> client.register(service));
            if (!(thrown instanceof IllegalArgumentException) || !thrown.getMessage().contains(limit.field())) {
                missed.add(limit + ": register " + (thrown == null ? "accepted it" : "threw " + thrown));
            }
        }
        assertThat(missed).as("limits not enforced with an IllegalArgumentException naming the field").isEmpty();
        await().during(Duration.ofMillis(300)).atMost(fixture().propagationBound())
                .untilAsserted(() -> assertThat(client.getService(base)).as("written by rejected calls").isEmpty());
    }

    @Test
    void aRecordOfExactlyTheLargestSizeIsAcceptedWhole() {
        Registry writer = client();
        Registry reader = client();
        String base = uniqueName("limits-edge");
        Service largest = recordOfSize(base, RegistrationRules.MAX_RECORD_BYTES);
        assertThat(largest).as("a record of exactly %s bytes", RegistrationRules.MAX_RECORD_BYTES).isNotNull();
        try {
            writer.register(largest);
        } catch (RuntimeException e) {
            throw new AssertionError("a node record of exactly " + RegistrationRules.MAX_RECORD_BYTES
                    + " bytes is within the rules, yet register rejected it: " + e, e);
        }
        await().untilAsserted(() -> assertThat(reader.getService(base)).containsExactly(largest));
    }

    @Test
    void everyFieldRejectsEveryBrokenValue() {
        Registry client = client();
        String base = uniqueName("rules");
        List<String> missed = new ArrayList<>();
        for (Field field : fields()) {
            for (Map.Entry<String, String> bad : broken(field).entrySet()) {
                Service service = field.with().apply(base, bad.getKey());
                Throwable thrown = catchThrowable(() -> client.register(service));
                if (!(thrown instanceof IllegalArgumentException) || !thrown.getMessage().contains(field.name())) {
                    missed.add(field + " / " + bad.getValue() + ": register " + (thrown == null ? "accepted it" : "threw " + thrown));
                }
            }
        }
        Service tooDeep = withRequest(base, chain(RegistrationRules.MAX_VALUE_DEPTH + 1));
        Throwable thrown = catchThrowable(() -> client.register(tooDeep));
        if (!(thrown instanceof IllegalArgumentException) || !thrown.getMessage().contains("value tree")) {
            missed.add("request value tree / one level too deep: register " + (thrown == null ? "accepted it" : "threw " + thrown));
        }
        assertThat(missed).as("broken values not rejected with an IllegalArgumentException naming the field").isEmpty();
        await().during(Duration.ofMillis(300)).atMost(fixture().propagationBound())
                .untilAsserted(() -> assertThat(client.getService(base)).as("written by rejected calls").isEmpty());
    }

    @Test
    void namesAreCheckedByEveryOperationThatTakesThem() {
        Registry client = client();
        String base = uniqueName("rules-ops");
        List<String> missed = new ArrayList<>();
        for (Field field : fields()) {
            if (!field.name().equals("service name") && !field.name().equals("node id")) {
                continue;
            }
            for (Map.Entry<String, String> bad : broken(field).entrySet()) {
                Service service = field.with().apply(base, bad.getKey());
                check(missed, field + " / " + bad.getValue() + ": deregister", field.name(), () -> client.deregister(service));
                if (field.name().equals("service name")) {
                    check(missed, field + " / " + bad.getValue() + ": getService", field.name(),
                            () -> client.getService(bad.getKey()));
                    check(missed, field + " / " + bad.getValue() + ": watch", field.name(),
                            () -> client.watch(WatchOptions.service(bad.getKey())).stop());
                }
            }
        }
        check(missed, "deregister with no nodes", "nodes", () -> client.deregister(new Service(base, "1", null, null, null)));
        check(missed, "register with no nodes", "nodes", () -> client.register(new Service(base, "1", null, null, null)));
        check(missed, "register with a node id twice", "node id", () -> client.register(new Service(base, "1", null, null,
                List.of(plain("n1"), Node.of("n1", "127.0.0.1:2")))));
        assertThat(missed).as("operations that did not reject a broken name with an IllegalArgumentException naming it")
                .isEmpty();
    }

    private static void check(List<String> missed, String what, String field, Runnable call) {
        Throwable thrown = catchThrowable(call::run);
        if (!(thrown instanceof IllegalArgumentException) || !thrown.getMessage().contains(field)) {
            missed.add(what + ": " + (thrown == null ? "accepted" : "threw " + thrown));
        }
    }

    @Test
    void everyFieldAcceptsTheEdgeOfEachRuleAndReturnsItExactly() {
        Registry writer = client();
        Registry reader = client();
        List<Service> written = new ArrayList<>();
        for (Field field : fields()) {
            for (String value : edges(field)) {
                String base = uniqueName("edge");
                String v = !field.name().equals("service name") ? value
                        : value.length() >= base.length() ? base + value.substring(base.length()) : base + value;
                Service service = field.with().apply(base, v);
                try {
                    writer.register(service);
                } catch (RuntimeException e) {
                    throw new AssertionError(field + " of " + v.length() + " characters is within the rules, yet "
                            + "register rejected it: " + e, e);
                }
                // Lookups list a version's nodes by id.
                written.add(service.withNodes(service.nodes().stream()
                        .sorted(Comparator.comparing(Node::id)).toList()));
            }
        }
        Service deepest = withRequest(uniqueName("edge-depth"), chain(RegistrationRules.MAX_VALUE_DEPTH));
        writer.register(deepest);
        written.add(deepest);
        await().untilAsserted(() -> {
            for (Service service : written) {
                assertThat(reader.getService(service.name())).as("getService of a record at the edge of the rules")
                        .containsExactly(service);
            }
        });
    }

    @Test
    void aCallRejectedForAnyFieldWritesNothing() {
        Registry writer = client();
        Registry reader = client();
        String base = uniqueName("rules-nothing");
        for (Field field : fields()) {
            if (field.name().equals("service name")) {
                continue;
            }
            Service bad = field.with().apply(base, "bad\u0007");
            assertThatThrownBy(() -> writer.register(bad)).as("register with a bad %s", field)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field.name());
        }
        await().during(Duration.ofMillis(500)).atMost(fixture().propagationBound())
                .untilAsserted(() -> assertThat(reader.getService(base))
                        .as("valid nodes of calls rejected for another node's field").isEmpty());
    }
}
