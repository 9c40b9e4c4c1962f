package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole records, compared entire (service metadata, endpoints with nested values, node
 * metadata), through every view (getService, listServices, every watch event) after every
 * kind of write: first register, re-register with every field changed, re-register with
 * fields removed, a version move, and deregister.
 */
public abstract class RecordContract extends Contract {

    protected RecordContract(RegistryFixture fixture) {
        super(fixture);
    }

    /** The writes, in order; each is what the service must look like after it. */
    private static List<Service> generations(String name) {
        Node a1 = Records.node("a", 1);
        Node b1 = Records.node("b", 1);
        Node a2 = Records.node("a", 2);
        Node b2 = Records.node("b", 2);
        Node a3 = new Node("a", "127.0.0.1:1", Map.of());
        return List.of(
                Records.service(name, "1", 1, a1, b1),
                Records.service(name, "1", 2, a2, b2),
                // Every field emptied: nothing of the richer record may linger.
                new Service(name, "1", Map.of(), List.of(), List.of(a3, b2)));
    }

    @Test
    void everyWriteIsSeenWholeByEveryView() throws InterruptedException {
        String name = uniqueName("records");
        Registry writer = client();
        Registry reader = client();
        Watcher filtered = watch(client(), WatchOptions.service(name));
        Watcher everything = watch(client(), WatchOptions.all());
        Map<String, Service> last = new HashMap<>();
        for (Service write : generations(name)) {
            writer.register(write);
            await().untilAsserted(() -> {
                assertThat(reader.getService(name)).as("getService after writing %s", write).containsExactly(write);
                assertThat(reader.listServices().stream().filter(s -> s.name().equals(name)).toList())
                        .as("listServices after writing %s", write).containsExactly(write);
            });
            for (Node node : write.nodes()) {
                Service one = write.withNode(node);
                WatchEvent.Type type = last.containsKey(node.id()) ? WatchEvent.Type.UPDATE : WatchEvent.Type.CREATE;
                if (one.equals(last.get(node.id()))) {
                    continue;
                }
                for (Watcher w : List.of(filtered, everything)) {
                    assertThat(nextEvent(w, e -> e.service().name().equals(name) && e.node().id().equals(node.id())))
                            .as("event for node %s after writing %s", node.id(), write)
                            .isEqualTo(new WatchEvent(type, one));
                }
                last.put(node.id(), one);
            }
        }
        Service gone = generations(name).get(2);
        writer.deregister(gone);
        for (Node node : gone.nodes()) {
            for (Watcher w : List.of(filtered, everything)) {
                assertThat(nextEvent(w, e -> e.service().name().equals(name) && e.node().id().equals(node.id())))
                        .as("DELETE of node %s carries its whole last record", node.id())
                        .isEqualTo(WatchEvent.delete(gone.withNode(node)));
            }
        }
        await().untilAsserted(() -> assertThat(reader.getService(name)).isEmpty());
    }

    @Test
    void movingANodeToAnotherVersionMovesItWhole() throws InterruptedException {
        String name = uniqueName("records-version");
        Registry writer = client();
        Registry reader = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        Service v1 = Records.service(name, "1", 1, Records.node("a", 1), Records.node("b", 1));
        writer.register(v1);
        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(v1));

        Service v2 = Records.service(name, "2", 2, Records.node("a", 2));
        writer.register(v2);

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactlyInAnyOrder(
                v1.withNodes(List.of(Records.node("b", 1))), v2));
        assertThat(nextEvent(watcher, e -> e.type() != WatchEvent.Type.CREATE)).isEqualTo(WatchEvent.update(v2));
    }
}
