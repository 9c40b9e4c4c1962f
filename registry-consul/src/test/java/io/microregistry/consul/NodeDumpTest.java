package io.microregistry.consul;

import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoding node-dump answers: by decoded name, identity-checked, reusing records of unchanged entries. */
@Timeout(10)
class NodeDumpTest {
    /** A Consul name no client of this library writes (marked, but not hex): skipped. */
    private static final String UNKNOWN_ENCODED = "~not-hex";

    private static NodeDump.Entry entry(String consulName, String id, int port, String version) {
        return new NodeDump.Entry("agent-1", consulName, id, "10.0.0.1", port,
                GoMicroTags.encode(Map.of("zone", "z1"), Map.of(), List.of(), version), Map.of("zone", "z1"));
    }

    private static NodeDump.Answer answer(NodeDump.Entry... entries) {
        return new NodeDump.Answer(BigInteger.ONE, List.of(entries));
    }

    @Test
    void decodesByNameAndReusesUnchangedRecords() {
        NodeDump dump = new NodeDump(null, null, null, new GoMicroTags.Warnings());
        String encoded = ConsulIds.consulName("a/../b");
        Map<String, Map<String, Service>> before = dump.decode(answer(entry("svc", "n1", 1, "1.0"),
                entry("svc", "n2", 2, "1.0"), entry("SVC", "other-case", 3, "1.0"),
                entry(encoded, ServiceRecords.qualifiedId("a/../b", "N1"), 4, "1.0"),
                // a qualified ID naming another service than the one it is listed under is not served
                entry("svc", ServiceRecords.qualifiedId("other", "x"), 5, "1.0"),
                entry(UNKNOWN_ENCODED, "hb", 6, "1.0")));
        assertThat(before.keySet()).containsExactlyInAnyOrder("svc", "SVC", "a/../b");
        assertThat(before.get("svc")).hasSize(2);
        assertThat(before.get("a/../b").values()).singleElement()
                .satisfies(s -> assertThat(s.nodes().get(0).id()).isEqualTo("N1"));

        Map<String, Map<String, Service>> after = dump.decode(answer(entry("svc", "n1", 1, "1.0"),
                entry("svc", "n2", 2, "2.0")));
        String n1 = "agent-1\u0000n1";
        String n2 = "agent-1\u0000n2";
        assertThat(after.get("svc").get(n1)).isSameAs(before.get("svc").get(n1));
        assertThat(after.get("svc").get(n2).version()).isEqualTo("2.0");
        assertThat(after.get("svc").get(n1)).isEqualTo(ServiceRecords.record("svc", "n1", "10.0.0.1", 1,
                entry("svc", "n1", 1, "1.0").tags(), Map.of("zone", "z1"), "agent-1", new GoMicroTags.Warnings()));
    }

}
