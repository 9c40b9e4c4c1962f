package io.microregistry.backend;

import io.microregistry.Endpoint;
import io.microregistry.MalformedRecordException;
import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.Value;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceJsonTest {

    static Path interop(String file) {
        return Path.of(System.getProperty("shared.dir", "../../shared"), "interop", file);
    }

    @Test
    void decodesTheRecordAGoServiceWritesToEtcd() throws IOException {
        Service service = ServiceJson.decode(Files.readAllBytes(interop("etcd-value.json")));

        assertThat(service.name()).isEqualTo("go.micro.srv.greeter");
        assertThat(service.version()).isEqualTo("latest");
        assertThat(service.metadata()).isEmpty(); // Go wrote null
        assertThat(service.endpoints()).singleElement().satisfies(e -> {
            assertThat(e.name()).isEqualTo("Say.Hello");
            assertThat(e.request()).isEqualTo(new Value("Request", "Request", List.of(Value.of("name", "string"))));
            assertThat(e.response()).isEqualTo(new Value("Response", "Response", List.of(Value.of("msg", "string"))));
            assertThat(e.metadata()).containsExactly(Map.entry("stream", "false"));
        });
        assertThat(service.nodes()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo("go.micro.srv.greeter-9f0c3b6e-5b7a-4c1e-a1d2-7e4f1c2b8d90");
            assertThat(n.address()).isEqualTo("127.0.0.1:40123");
            assertThat(n.metadata()).containsEntry("registry", "etcd").containsEntry("transport", "http").hasSize(5);
        });
    }

    @Test
    void goRecordSurvivesAJavaRoundTrip() throws IOException {
        Service fromGo = ServiceJson.decode(Files.readAllBytes(interop("etcd-value.json")));
        assertThat(ServiceJson.decode(ServiceJson.encode(fromGo))).isEqualTo(fromGo);
    }

    @Test
    void writesGoMicroFieldNames() {
        Service service = new Service("s", "1", Map.of("k", "v"),
                List.of(new Endpoint("E", Value.of("a", "b"), null, Map.of())), List.of(Node.of("n", "h:1")));
        String json = ServiceJson.encodeToString(service);
        assertThat(json).startsWith("{\"name\":\"s\",\"version\":\"1\",\"metadata\":{\"k\":\"v\"},\"endpoints\":[")
                .contains("\"request\":{\"name\":\"a\",\"type\":\"b\",\"values\":[]}")
                .contains("\"response\":null")
                .endsWith("\"nodes\":[{\"id\":\"n\",\"address\":\"h:1\",\"metadata\":{}}]}");
        assertThat(ServiceJson.decode(json)).isEqualTo(service);
    }

    @Test
    void unknownFieldsAreIgnoredAndNullsAreEmpty() {
        Service service = ServiceJson.decode("{\"name\":\"s\",\"version\":null,\"future\":1,\"nodes\":null,"
                + "\"endpoints\":[{\"name\":\"e\",\"request\":null,\"response\":{\"name\":\"r\",\"type\":\"t\",\"values\":null},"
                + "\"metadata\":null}]}");
        assertThat(service).isEqualTo(new Service("s", "", Map.of(),
                List.of(new Endpoint("e", null, Value.of("r", "t"), Map.of())), List.of()));
    }

    @Test
    void garbageIsAMalformedRecordNotACrash() {
        assertThatThrownBy(() -> ServiceJson.decode("not json")).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> ServiceJson.decode("[1,2]")).isInstanceOf(MalformedRecordException.class);
        assertThatThrownBy(() -> ServiceJson.decode("{\"name\":5}")).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> ServiceJson.decode("{\"name\":\"s\",\"nodes\":{}}"))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("nodes");
    }
}
