package io.microregistry;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Service;
import io.microregistry.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class RegistrationRulesTest {

    private static Service named(String name, String nodeId) {
        return Service.builder(name).version("1").node(nodeId, "127.0.0.1:1").build();
    }

    private static void rejected(Service service, String... fragments) {
        var assertion = assertThatThrownBy(() -> RegistrationRules.checkRegister(service, RegisterOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        for (String fragment : fragments) {
            assertion.hasMessageContaining(fragment);
        }
    }

    private static void accepted(Service service) {
        assertThatCode(() -> RegistrationRules.checkRegister(service, RegisterOptions.defaults()))
                .doesNotThrowAnyException();
    }

    @Test
    void unpairedSurrogatesAreRefusedInEveryField() {
        rejected(named("x\uD800", "n"), "service name", "unpaired surrogate");
        rejected(named("x\uDBFF", "n"), "service name", "unpaired surrogate");
        rejected(named("x", "\uDC00n"), "node id", "unpaired surrogate");
        rejected(Service.builder("x").version("v\uD83D").node("n", "a:1").build(), "service version");
        rejected(Service.builder("x").node(new Node("n", "a:1", Map.of("k", "v\uD800"))).build(),
                "node metadata value of 'k'", "unpaired surrogate");
        rejected(Service.builder("x").node("n", "h\uDFFF:1").build(), "node address");
        accepted(named("rocket-\uD83D\uDE80", "n-\uD83D\uDE80"));
    }

    @Test
    void invisibleCharactersAreRefusedInIdentitiesOnly() {
        rejected(named("a\u200Bb", "n"), "service name", "format");
        rejected(named("evil\u202E", "n"), "service name", "format");
        rejected(named("x", "n\uFFFE"), "node id", "noncharacter");
        rejected(named("x", "n\uFDD0"), "node id", "noncharacter");
        accepted(named("private\uE000use", "n"));
        accepted(named("combining e\u0301", "\u05E9\u05DC\u05D5\u05DD"));
        accepted(named("/ // .. ../x % %2F ? * \\ \" '", "../n"));
        accepted(Service.builder("x").node(new Node("n", "a:1", Map.of("pem", "line1\nline2\r\n\tz\u200B"))).build());
        rejected(Service.builder("x").node(new Node("n", "a:1", Map.of("k", "bell\u0007"))).build(),
                "node metadata value of 'k'", "control");
    }

    @Test
    void lengthsAreLimitedPerField() {
        rejected(named("x".repeat(256), "n"), "service name", "255");
        rejected(Service.builder("x").node("n", "a".repeat(1025)).build(), "node address", "1024");
        accepted(Service.builder("x").node(new Node("n", "a:1", Map.of("k", "v".repeat(16384)))).build());
        rejected(Service.builder("x").node(new Node("n", "a:1", Map.of("k", "v".repeat(1024 * 1024)))).build(),
                "node metadata value of 'k'", "16384");
    }

    @Test
    void valueTreesAreLimitedInDepthWithoutOverflowingTheStack() {
        rejected(withValue(nested(33)), "endpoint e request", "32 levels");
        rejected(withValue(nested(5000)), "endpoint e request", "32 levels");
        accepted(withValue(nested(32)));
        rejected(withValue(new Value("n\uD800", "t", List.of())), "value name", "unpaired surrogate");
    }

    @Test
    void wholeRecordSizeIsLeftToTheCoreThatEncodesIt() {
        // 20 values of 16,000 characters: every field is within its limit, the record is not
        // (StoreRegistry refuses it in registry-core, see RecordSizeTest there).
        Service.Builder big = Service.builder("x").node("n", "a:1");
        for (int i = 0; i < 20; i++) {
            big.metadata("k" + i, "v".repeat(16000));
        }
        accepted(big.build());
    }

    private static Service withValue(Value request) {
        return Service.builder("x").node("n", "a:1").endpoint(new Endpoint("e", request, null, Map.of())).build();
    }

    private static Value nested(int depth) {
        Value v = Value.of("leaf", "string");
        for (int i = 1; i < depth; i++) {
            v = new Value("v" + i, "object", List.of(v));
        }
        return v;
    }

    @Test
    void oneRegisterCallTakesAtMostTenThousandNodes() {
        java.util.List<Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < RegistrationRules.MAX_NODES_PER_REGISTER; i++) {
            nodes.add(Node.of("n" + i, "127.0.0.1:1"));
        }
        Service limit = named("big", "n0").withNodes(nodes);
        accepted(limit);
        nodes.add(Node.of("one-more", "127.0.0.1:1"));
        rejected(limit.withNodes(nodes), "nodes", "at most 10000", "was 10001");
    }
}
