package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation that filters or groups by name, run over a family of lookalike names at
 * once ({@code a}, a prefix of it, {@code a-b}, {@code a.b}, {@code a_b}, {@code ab},
 * {@code a/b}, {@code a/b/c}): where a backend matches by prefix, or maps {@code /} to
 * {@code -} as go-micro's keys do, names leak into each other here.
 */
public abstract class LookalikeContract extends Contract {

    protected LookalikeContract(RegistryFixture fixture) {
        super(fixture);
    }

    /** {@code base} and names that look like it, {@code base} first. */
    static List<String> lookalikes(String base) {
        return List.of(base, base.substring(0, base.length() - 1), base + "-b", base + ".b", base + "_b", base + "b",
                base + "/b", base + "/b/c", base + "-b-c");
    }

    /** The record lookalike {@code i} is registered with: same node id everywhere, own address and version. */
    private static Service record(String name, int i, String nodeId) {
        return new Service(name, "v" + (i % 2), Map.of("index", Integer.toString(i)), List.of(),
                List.of(node(nodeId, "127.0.0.1:" + (3000 + i))));
    }

    @Test
    void watchFilterKeepsLookalikesOut() throws InterruptedException {
        List<String> names = lookalikes(uniqueName("a"));
        Registry writer = client();
        Map<String, Watcher> watchers = new HashMap<>();
        for (String name : names) {
            watchers.put(name, watch(client(), WatchOptions.service(name)));
        }
        for (int i = 0; i < names.size(); i++) {
            writer.register(record(names.get(i), i, "n1"));
        }
        for (int i = 0; i < names.size(); i++) {
            writer.register(record(names.get(i), i, "marker"));
        }
        // Every lookalike but the first goes away, then the first changes: its watcher must see
        // only that change, none of the others' deletes.
        for (int i = 1; i < names.size(); i++) {
            writer.deregister(record(names.get(i), i, "n1"));
        }
        Service changed = record(names.get(0), 0, "n1").withNode(node("n1", "127.0.0.1:4999"));
        writer.register(changed);

        // Read each watcher up to its final event; polling backends may coalesce, so only
        // what each event is, not how many, is held to account.
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Watcher watcher = watchers.get(name);
            WatchEvent last = i == 0 ? WatchEvent.update(changed) : WatchEvent.delete(record(name, i, "n1"));
            List<Service> own = List.of(record(name, i, "n1"), record(name, i, "marker"), changed);
            while (true) {
                WatchEvent event = nextEvent(watcher, e -> true);
                assertThat(event.service()).as("an event of watch(service(\"%s\")) among lookalikes %s", name, names)
                        .isIn(own);
                if (event.equals(last)) {
                    break;
                }
            }
        }
    }

    @Test
    void watchingEverythingNamesEachLookalikeRight() throws InterruptedException {
        List<String> names = lookalikes(uniqueName("a"));
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.all());
        for (int i = 0; i < names.size(); i++) {
            writer.register(record(names.get(i), i, "n1"));
        }
        Map<String, WatchEvent> seen = new HashMap<>();
        while (seen.size() < names.size()) {
            WatchEvent event = nextEvent(watcher, e -> names.contains(e.service().name()));
            assertThat(seen.put(event.service().name(), event)).as("a second event for %s", event.service().name()).isNull();
        }
        for (int i = 0; i < names.size(); i++) {
            assertThat(seen.get(names.get(i))).isEqualTo(WatchEvent.create(record(names.get(i), i, "n1")));
        }
    }

    @Test
    void getServiceAndListServicesKeepLookalikesApart() {
        List<String> names = lookalikes(uniqueName("a"));
        Registry writer = client();
        Registry reader = client();
        for (int i = 0; i < names.size(); i++) {
            writer.register(record(names.get(i), i, "n1"));
            writer.register(record(names.get(i), i + 1, "n2"));
        }
        await().untilAsserted(() -> {
            for (int i = 0; i < names.size(); i++) {
                assertThat(reader.getService(names.get(i))).as("getService(\"%s\") among lookalikes", names.get(i))
                        .containsExactlyInAnyOrderElementsOf(expected(names.get(i), i));
            }
        });
        List<Service> listed = reader.listServices().stream().filter(s -> names.contains(s.name())).toList();
        List<Service> wanted = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            wanted.addAll(expected(names.get(i), i));
        }
        assertThat(listed).as("listServices() among lookalikes").containsExactlyInAnyOrderElementsOf(wanted);
    }

    /** Two versions per name, one node each: n1 at version i % 2, n2 at (i + 1) % 2 with its own metadata. */
    private static List<Service> expected(String name, int i) {
        return List.of(record(name, i, "n1"), record(name, i + 1, "n2"));
    }
}
