package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecordDecoderTest {

    private final RecordDecoder decoder = new RecordDecoder("test key");

    private static byte[] json(Service service) {
        return ServiceJson.encode(service);
    }

    private static Service service(Node... nodes) {
        return new Service("s", "1", Map.of(), List.of(), List.of(nodes));
    }

    @Test
    void decodesGoodRecordsAndSkipsBadOnesWithoutThrowing() {
        Service one = service(Node.of("n1", "h:1"));
        assertThat(decoder.decode("k", json(one))).contains(one);
        assertThat(decoder.decode("k", "not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decoder.decode("k", new byte[0])).isEmpty();
        assertThat(decoder.decode("k", null)).isEmpty();
        // A key that is fixed decodes again.
        assertThat(decoder.decode("k", json(one))).contains(one);
    }

    @Test
    void oneNodeRecordsOnlyWhereGoMicroWritesOneKeyPerNode() {
        Service one = service(Node.of("n1", "h:1"));
        Service two = service(Node.of("n1", "h:1"), Node.of("n2", "h:2"));
        assertThat(decoder.decodeOneNode("a", json(one))).contains(one);
        assertThat(decoder.decodeOneNode("b", json(two))).isEmpty();
        assertThat(decoder.decodeOneNode("c", json(service()))).isEmpty();
    }

    @Test
    void perNodeSplitsARecordIntoOneServicePerNode() {
        Service two = service(Node.of("n1", "h:1"), Node.of("n2", "h:2"));
        assertThat(decoder.perNode("k", json(two))).containsExactly(
                Map.entry("n1", two.withNode(Node.of("n1", "h:1"))),
                Map.entry("n2", two.withNode(Node.of("n2", "h:2"))));
        assertThat(decoder.perNode("k", "{".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
