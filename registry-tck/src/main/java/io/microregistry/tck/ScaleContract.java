package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A smoke test at fleet size: 1,000 nodes in 100 services, all visible, all removed on close. */
public abstract class ScaleContract extends Contract {

    protected ScaleContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    @TimeBudget(propagations = 8, extraSeconds = 90)
    void aThousandNodesInAHundredServices() {
        String prefix = uniqueName("scale");
        Registry writer = fixture().newClient();
        Registry reader = client();
        List<String> names = new ArrayList<>();
        try {
            for (int s = 0; s < 100; s++) {
                String name = prefix + "-" + s;
                names.add(name);
                List<Node> nodes = new ArrayList<>();
                for (int n = 0; n < 10; n++) {
                    nodes.add(Node.of("node-" + n, "127.0.0.1:" + (20000 + n)));
                }
                writer.register(new Service(name, "1", Map.of(), List.of(), nodes));
            }

            Duration bound = fixture().propagationBound().plus(Duration.ofSeconds(20));
            await(bound).untilAsserted(() -> {
                Map<String, Integer> counts = reader.listServices().stream()
                        .filter(s -> s.name().startsWith(prefix))
                        .collect(Collectors.toMap(Service::name, s -> s.nodes().size(), Integer::sum));
                assertThat(counts).hasSize(100).allSatisfy((name, count) -> assertThat(count).isEqualTo(10));
            });
            assertThat(reader.getService(names.get(57))).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).hasSize(10));
        } finally {
            writer.close();
        }
        await(fixture().propagationBound().plus(Duration.ofSeconds(20))).until(() ->
                reader.listServices().stream().noneMatch(s -> s.name().startsWith(prefix)));
    }
}
