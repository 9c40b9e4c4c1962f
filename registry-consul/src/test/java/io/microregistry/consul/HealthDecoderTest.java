package io.microregistry.consul;

import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.model.health.ImmutableNode;
import org.kiwiproject.consul.model.health.ImmutableService;
import org.kiwiproject.consul.model.health.ImmutableServiceHealth;
import org.kiwiproject.consul.model.health.ServiceHealth;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthDecoderTest {

    private static ServiceHealth entry(String name, String id, int port, String version) {
        return ImmutableServiceHealth.builder()
                .node(ImmutableNode.builder().node("agent-1").address("127.0.0.1").build())
                .service(ImmutableService.builder().service(name).id(id).address("10.0.0.1").port(port)
                        .tags(GoMicroTags.encode(Map.of("zone", "z1"), Map.of(), List.of(), version))
                        .meta(Map.of("zone", "z1")).build())
                .build();
    }

    @Test
    void decodesLikePassingAndReusesUnchangedRecords() {
        HealthDecoder decoder = new HealthDecoder("svc", new GoMicroTags.Warnings());
        List<ServiceHealth> first = List.of(entry("svc", "n1", 1, "1.0"), entry("svc", "n2", 2, "1.0"),
                entry("SVC", "other-case", 3, "1.0"));
        Map<String, Service> before = decoder.decode(first);
        assertThat(before).isEqualTo(ServiceRecords.passing("svc", first, new GoMicroTags.Warnings()));
        assertThat(before).hasSize(2);

        // n1 unchanged (a fresh but equal answer object), n2 changed, n3 new.
        List<ServiceHealth> second = List.of(entry("svc", "n1", 1, "1.0"), entry("svc", "n2", 2, "2.0"),
                entry("svc", "n3", 4, "1.0"));
        Map<String, Service> after = decoder.decode(second);

        assertThat(after).isEqualTo(ServiceRecords.passing("svc", second, new GoMicroTags.Warnings()));
        String n1 = ServiceRecords.key(second.get(0));
        String n2 = ServiceRecords.key(second.get(1));
        assertThat(after.get(n1)).isSameAs(before.get(n1));
        assertThat(after.get(n2)).isNotEqualTo(before.get(n2));
        assertThat(after.get(n2).version()).isEqualTo("2.0");

        // A node that left and came back is decoded afresh, from what it is now.
        Map<String, Service> gone = decoder.decode(List.of(entry("svc", "n3", 4, "1.0")));
        assertThat(gone).hasSize(1);
        Map<String, Service> back = decoder.decode(List.of(entry("svc", "n1", 5, "1.0")));
        assertThat(back.get(n1).nodes().get(0).address()).isEqualTo("10.0.0.1:5");
    }
}
