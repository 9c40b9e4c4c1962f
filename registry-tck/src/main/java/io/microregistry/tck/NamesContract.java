package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names and ids round-trip exactly, whatever characters they hold, and two different names
 * never share a key space: go-micro maps {@code /} to {@code -} in keys, so {@code a/b} and
 * {@code a-b} are where a careless backend mixes or overwrites.
 */
public abstract class NamesContract extends Contract {

    protected NamesContract(RegistryFixture fixture) {
        super(fixture);
    }

    private static List<String> lookalikes(String base) {
        return List.of(base, base + "/b", base + "-b", base + ".b", base + "_b", base + "b", base + "/b/c", base + "-b-c");
    }

    @Test
    void lookalikeNamesNeverMix() {
        String base = uniqueName("a");
        List<String> names = lookalikes(base);
        Registry writer = client();
        Registry reader = client();
        // The same node id everywhere: a key collision would overwrite, not just mix.
        for (int i = 0; i < names.size(); i++) {
            writer.register(service(names.get(i), "1", node("n1", "127.0.0.1:" + (1000 + i))));
        }

        await().untilAsserted(() -> {
            for (int i = 0; i < names.size(); i++) {
                assertThat(reader.getService(names.get(i))).as("getService(%s)", names.get(i))
                        .containsExactly(service(names.get(i), "1", node("n1", "127.0.0.1:" + (1000 + i))));
            }
        });
        List<String> listed = reader.listServices().stream().map(Service::name).filter(names::contains).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void deregisteringOneLookalikeLeavesTheOthers() {
        String base = uniqueName("a");
        List<String> names = lookalikes(base);
        Registry writer = client();
        Registry reader = client();
        for (String name : names) {
            writer.register(service(name, "1", node("n1", "127.0.0.1:1")));
        }
        await().until(() -> names.stream().allMatch(n -> present(reader, n, "n1")));

        writer.deregister(service(base + "/b", "1", node("n1", "127.0.0.1:1")));

        await().untilAsserted(() -> {
            assertThat(reader.getService(base + "/b")).isEmpty();
            for (String name : names) {
                if (!name.equals(base + "/b")) {
                    assertThat(nodeIds(reader, name)).as("nodes of %s", name).containsExactly("n1");
                }
            }
        });
    }

    @Test
    void lookalikeNodeIdsNeverMix() {
        String name = uniqueName("ids");
        Registry writer = client();
        Registry reader = client();
        List<String> ids = List.of("n/1", "n-1", "n.1", "n%2F1", "n");
        for (int i = 0; i < ids.size(); i++) {
            writer.register(service(name, "1", node(ids.get(i), "127.0.0.1:" + (2000 + i))));
        }

        await().untilAsserted(() -> assertThat(nodeIds(reader, name)).containsExactlyInAnyOrderElementsOf(ids));
    }

    @Test
    void exoticNamesRoundTripExactly() throws InterruptedException {
        String base = uniqueName("x");
        List<String> names = List.of(base + " grüße 日本 🚀", base + ":colon@at", base + "%41", base + "..", base + "UPPER");
        Registry writer = client();
        Registry reader = client();
        Watcher watcher = watch(client(), WatchOptions.all());
        for (String name : names) {
            writer.register(service(name, "v/1", node("node " + name, "127.0.0.1:1")));
        }

        await().untilAsserted(() -> {
            for (String name : names) {
                assertThat(reader.getService(name)).as("getService(%s)", name)
                        .containsExactly(service(name, "v/1", node("node " + name, "127.0.0.1:1")));
            }
        });
        List<String> seen = new ArrayList<>();
        while (seen.size() < names.size()) {
            WatchEvent event = nextEvent(watcher, e -> names.contains(e.service().name()));
            assertThat(event.node().id()).isEqualTo("node " + event.service().name());
            seen.add(event.service().name());
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(names);
    }
}
