package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;
import org.kiwiproject.consul.model.agent.Registration;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceRecordsTest {

    @Test
    void addressesRoundTripExactly() {
        for (String address : new String[] {"10.0.0.1:8080", "host.example:1", "[::1]:9090", "::1", "host",
                "host:0", "host:99999", "a:b:80", "[fe80::1%eth0]:80", "host:", ":80", "unicode-ü:443", "x:0080"}) {
            HostPort hp = HostPort.split(address);
            assertThat(HostPort.join(hp.host(), hp.port())).as(address).isEqualTo(address);
        }
        assertThat(HostPort.split("10.0.0.1:8080")).isEqualTo(new HostPort("10.0.0.1", 8080));
        assertThat(HostPort.split("[::1]:9090")).isEqualTo(new HostPort("::1", 9090));
    }

    @Test
    void metaKeepsOnlyWhatConsulAccepts() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("ok_key-1", "v");
        metadata.put("dotted.key", "v");
        metadata.put("consul-reserved", "v");
        metadata.put("k".repeat(129), "v");
        metadata.put("long", "x".repeat(513));
        metadata.put("multibyte", "ü".repeat(300));
        metadata.put("edge", "y".repeat(512));
        for (int i = 0; i < 100; i++) {
            metadata.put(String.format("m%03d", i), "v");
        }

        Map<String, String> meta = ServiceRecords.consulMeta(metadata);

        assertThat(meta).hasSize(64).containsEntry("edge", "y".repeat(512))
                .doesNotContainKeys("dotted.key", "consul-reserved", "k".repeat(129), "long", "multibyte");
    }

    @Test
    void registrationFollowsGoMicroLayout() {
        Service service = Service.builder("greeter").version("1.0").metadata("team", "a")
                .node(new Node("greeter-1", "10.0.0.1:8080", Map.of("zone", "z1"))).build();

        Registration r = ServiceRecords.registration(service, service.nodes().get(0), Duration.ofSeconds(2),
                "greeter-1");

        assertThat(r.getId()).isEqualTo("greeter-1");
        assertThat(r.getName()).isEqualTo("greeter");
        assertThat(r.getAddress()).contains("10.0.0.1");
        assertThat(r.getPort()).contains(8080);
        assertThat(r.getMeta()).isEqualTo(Map.of("zone", "z1"));
        Registration.RegCheck check = r.getCheck().orElseThrow();
        assertThat(check.getTtl()).contains("2000ms");
        assertThat(check.getDeregisterCriticalServiceAfter()).contains("60s");
        assertThat(check.getStatus()).contains("passing");
        Service back = ServiceRecords.record(r.getName(), r.getId(), r.getAddress().orElseThrow(),
                r.getPort().orElseThrow(), r.getTags(), r.getMeta(), "n", new GoMicroTags.Warnings());
        assertThat(back).isEqualTo(service);
        assertThat(r.getTags()).noneMatch(t -> t.startsWith("n-"));
    }

    @Test
    void aQualifiedConsulIdCarriesTheRealNodeIdInATag() {
        Service service = Service.builder("svc").node("n1", "127.0.0.1:1").build();
        String consulId = ServiceRecords.qualifiedId("svc", "n1");

        Registration r = ServiceRecords.registration(service, service.nodes().get(0), Duration.ofSeconds(5), consulId);

        assertThat(r.getId()).isEqualTo("~006e0031~007300760063");
        assertThat(r.getTags()).anyMatch(t -> t.startsWith("n-"));
        Service back = ServiceRecords.record(r.getName(), r.getId(), r.getAddress().orElseThrow(),
                r.getPort().orElseThrow(), r.getTags(), r.getMeta(), "n", new GoMicroTags.Warnings());
        assertThat(back).isEqualTo(service);
    }
}
