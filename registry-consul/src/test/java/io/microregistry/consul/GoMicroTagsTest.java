package io.microregistry.consul;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.microregistry.Endpoint;
import io.microregistry.Value;
import io.microregistry.backend.ServiceJson;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GoMicroTagsTest {

    /** shared/ sits beside the project root; surefire passes its folder as shared.dir (else: relative to the module). */
    private static final Path INTEROP = Path.of(System.getProperty("shared.dir", "../../shared"), "interop",
            "consul-tags.json");

    @Test
    void goMicroSampleTagsDecodeToTheirListedText() throws IOException {
        assertThat(INTEROP).as("interop sample (shared/interop beside the project)").exists();
        JsonNode samples = new ObjectMapper().readTree(INTEROP.toFile());
        assertThat(samples.size()).isGreaterThanOrEqualTo(7);
        for (JsonNode sample : samples) {
            String tag = sample.get("tag").asText();
            assertThat(GoMicroTags.decode(tag.substring(2))).as(tag).isEqualTo(sample.get("decoded").asText());
        }
    }

    @Test
    void goMicroSampleTagsDecodeIntoMetadataAndEndpoints() throws IOException {
        JsonNode samples = new ObjectMapper().readTree(INTEROP.toFile());
        List<String> tags = new ArrayList<>();
        samples.forEach(s -> tags.add(s.get("tag").asText()));

        GoMicroTags.Decoded decoded = GoMicroTags.decode(tags, "sample");

        assertThat(decoded.nodeMetadata()).containsExactlyInAnyOrderEntriesOf(Map.of("registry", "consul",
                "protocol", "mucp", "transport", "http", "broker", "nsq", "server", "mucp"));
        assertThat(decoded.endpoints()).extracting(Endpoint::name)
                .containsExactly("ArenaService.GetArenaDataNum", "ArenaService.GetChampion");
        Endpoint first = decoded.endpoints().get(0);
        assertThat(first.request()).isEqualTo(new Value("GetArenaDataNumRequest", "GetArenaDataNumRequest", List.of()));
        assertThat(first.response().values()).containsExactly(Value.of("num", "int32"));
        assertThat(first.metadata()).containsEntry("stream", "false");
        assertThat(decoded.version()).isEmpty();
    }

    @Test
    void encodedTagsDecodeBackToWhatWasEncoded() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("zone", "eu-1");
        metadata.put("ünïcode key", "välue ✓");
        metadata.put("empty", "");
        metadata.put("long", "x".repeat(2048));
        Endpoint endpoint = new Endpoint("Greeter.Hello", new Value("Request", "Request",
                List.of(new Value("name", "string", List.of(Value.of("inner", "int64"))))), null,
                Map.of("stream", "true"));

        List<String> tags = GoMicroTags.encode(metadata, Map.of("owner", "team-a"), List.of(endpoint), "1.2.3");
        GoMicroTags.Decoded decoded = GoMicroTags.decode(tags, "test");

        assertThat(tags).allSatisfy(t -> assertThat(t).matches("[tevs]-[0-9a-f]+"));
        assertThat(decoded.nodeMetadata()).isEqualTo(metadata);
        assertThat(decoded.serviceMetadata()).isEqualTo(Map.of("owner", "team-a"));
        assertThat(decoded.endpoints()).containsExactly(endpoint);
        assertThat(decoded.version()).isEqualTo("1.2.3");
    }

    @Test
    void emptyTextRoundTrips() {
        // zlib of nothing is a complete stream that inflates to zero bytes (an unversioned service).
        assertThat(GoMicroTags.decode(GoMicroTags.encode(""))).isEmpty();
        assertThat(GoMicroTags.decode("789c030000000001")).isEmpty();
    }

    @Test
    void oldPlainFormsAreRead() {
        Endpoint endpoint = Endpoint.of("Old.Call");
        List<String> tags = List.of("t=" + ServiceJson.encodeStringMap(Map.of("a", "1")),
                "e=" + ServiceJson.encodeEndpoint(endpoint), "v=0.9");

        GoMicroTags.Decoded decoded = GoMicroTags.decode(tags, "old");

        assertThat(decoded.nodeMetadata()).isEqualTo(Map.of("a", "1"));
        assertThat(decoded.endpoints()).containsExactly(endpoint);
        assertThat(decoded.version()).isEqualTo("0.9");
    }

    @Test
    void tagsThatDoNotDecodeAreSkippedAndOthersKept() {
        List<String> tags = List.of("t-zz", "t-" + GoMicroTags.encode("not json"), "e-00", "v-789c",
                "plain-user-tag", "x", "t-" + GoMicroTags.encode("{\"k\":\"v\"}"));

        GoMicroTags.Decoded decoded = GoMicroTags.decode(tags, "bad");

        assertThat(decoded.nodeMetadata()).isEqualTo(Map.of("k", "v"));
        assertThat(decoded.endpoints()).isEmpty();
        assertThat(decoded.version()).isEmpty();
    }

    @Test
    void decodeRejectsTruncatedStreams() {
        String full = GoMicroTags.encode("{\"registry\":\"consul\"}");
        assertThatThrownBy(() -> GoMicroTags.decode(full.substring(0, full.length() - 10)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
