package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15 on a real agent: names and node ids that Consul would fold (case), clean (URL paths)
 * or that look like this backend's own fallback ID never share a catalog entry and always come
 * back exactly as written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ConsulHostileInputTest {
    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
    }

    private static Service service(String name, String nodeId, int port) {
        return Service.builder(name).version("1").node(new Node(nodeId, "127.0.0.1:" + port, Map.of())).build();
    }

    private static List<String> nodeIds(Registry reader, String name) {
        return reader.getService(name).stream().flatMap(s -> s.nodes().stream()).map(Node::id).toList();
    }

    @Test
    void nodeIdsThatDifferOnlyInCaseKeepTheirOwnEntries() {
        try (Registry payments = client(); Registry billing = client(); Registry reader = client()) {
            payments.register(service("case-payments", "Node-1", 1));
            billing.register(service("case-billing", "node-1", 2));
            assertThat(nodeIds(reader, "case-payments")).containsExactly("Node-1");
            assertThat(nodeIds(reader, "case-billing")).containsExactly("node-1");
        }
    }

    @Test
    void aLiteralIdEqualToTheFallbackIdDoesNotReplaceTheNodeHoldingIt() {
        try (Registry first = client(); Registry second = client(); Registry third = client();
             Registry reader = client()) {
            String literal = ServiceRecords.qualifiedId("fallback-b", "shared-1");
            first.register(service("fallback-a", "shared-1", 1));
            third.register(service("fallback-c", literal, 3)); // the literal first...
            second.register(service("fallback-b", "shared-1", 2)); // ...then the node whose fallback ID it is
            assertThat(nodeIds(reader, "fallback-a")).containsExactly("shared-1");
            assertThat(nodeIds(reader, "fallback-b")).containsExactly("shared-1");
            assertThat(nodeIds(reader, "fallback-c")).containsExactly(literal);
            third.deregister(service("fallback-c", literal, 3));
            assertThat(nodeIds(reader, "fallback-b")).containsExactly("shared-1");
            assertThat(nodeIds(reader, "fallback-c")).isEmpty();
        }
    }

    @Test
    void namesAndIdsWithPathCharactersComeBackExactlyAndCanBeRemoved() {
        List<String> hostile = List.of(".", "..", "a/../b", "b", "a//b", "a/b", "%", "%2F", "a%2Fb", "?", "a?b=c",
                "#frag", "x\u200By", "x\u202Ey", "x\uFFFEy", "x\uE000y", "x\uD800", "x\uDBFF", "x?", "UPPER", "upper",
                "~0078", "with space", "ü", "emoji\uD83D\uDE00", "a\\b", "*", "\"q\"");
        Map<String, Service> registered = new LinkedHashMap<>();
        List<String> rejected = new ArrayList<>();
        try (Registry writer = client(); Registry reader = client()) {
            int port = 1;
            for (String text : hostile) {
                Service s = service(text, text, port++);
                try {
                    writer.register(s);
                    registered.put(s.name(), s);
                } catch (IllegalArgumentException refused) {
                    // allowed, if it names the field
                    assertThat(refused.getMessage()).containsAnyOf("name", "id", "node");
                    rejected.add(text);
                }
            }
            for (Service s : registered.values()) {
                assertThat(reader.getService(s.name())).as("lookup of '%s'", s.name()).containsExactly(s);
            }
            assertThat(reader.listServices()).containsAll(registered.values());
            for (Service s : registered.values()) {
                writer.deregister(s);
                assertThat(reader.getService(s.name())).as("after deregistering '%s'", s.name()).isEmpty();
            }
            assertThat(registered).as("accepted (rejected: %s)", rejected).isNotEmpty();
        }
    }

    @Test
    void invisibleAndNonAsciiMetadataComesBackExactlyOrIsRefusedNamingTheField() {
        Map<String, String> metadata = new java.util.TreeMap<>();
        List<String> texts = List.of("x\u200By", "x\u202Ey", "x\uFFFEy", "x\uE000y", "ü", "a/../b", "%2F", "?q", "..");
        for (int i = 0; i < texts.size(); i++) {
            metadata.put("k" + i, texts.get(i));
            metadata.put(texts.get(i), "v" + i);
        }
        Service s = Service.builder("hostile-meta").version("v\u200B1").metadata("owner", "x\u202Ey")
                .node(new Node("meta-1", "127.0.0.1:1", metadata)).build();
        try (Registry writer = client(); Registry reader = client()) {
            try {
                writer.register(s);
            } catch (IllegalArgumentException refused) {
                assertThat(refused.getMessage()).containsAnyOf("metadata", "version");
                return;
            }
            assertThat(reader.getService("hostile-meta")).containsExactly(s);
            assertThat(reader.listServices()).contains(s);
        }
    }

    @Test
    void tenThousandNodesInOneCallAreRefusedBeforeAnythingIsWritten() {
        Service.Builder builder = Service.builder("huge").version("1");
        for (int i = 0; i < 10_000; i++) {
            builder.node(new Node("huge-" + i, "127.0.0.1:" + (1 + i % 60000), Map.of()));
        }
        Service huge = builder.build();
        try (Registry writer = client()) {
            assertThatThrownBy(() -> writer.register(huge)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("service nodes").hasMessageContaining("at most");
            assertThat(writer.getService("huge")).isEmpty();
        }
    }
}
