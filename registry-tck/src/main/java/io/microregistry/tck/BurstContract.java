package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order under load: several writers change their own nodes as fast as they can, none waiting
 * for an event, and every watcher (filtered and unfiltered) must still see each node's
 * changes in the order they were made. A backend that observes by polling may coalesce
 * intermediate records, so the contract asks for what every backend can give: per node, a
 * CREATE first, generations that only rise, each event's whole record as written, and one
 * DELETE, last, carrying a record no older than the last one seen.
 */
public abstract class BurstContract extends Contract {

    private static final int NODES = 4;
    private static final int GENERATIONS = 8;

    protected BurstContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void burstsOfConcurrentChangesArriveInOrderPerNode() throws Exception {
        burst(false);
    }

    @Test
    void burstsFromOneClientPerNodeArriveInOrderPerNode() throws Exception {
        burst(true);
    }

    private void burst(boolean clientPerNode) throws Exception {
        String name = uniqueName("burst");
        Watcher filtered = watch(client(), WatchOptions.service(name));
        Watcher everything = watch(client(), WatchOptions.all());
        Registry shared = client();
        List<Registry> writers = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            writers.add(clientPerNode ? client() : shared);
        }
        ExecutorService pool = Executors.newFixedThreadPool(NODES);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                String id = "n" + i;
                Registry writer = writers.get(i);
                done.add(pool.submit(() -> {
                    for (int gen = 1; gen <= GENERATIONS; gen++) {
                        writer.register(Records.single(name, id, gen));
                    }
                    writer.deregister(Records.single(name, id, GENERATIONS));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(fixture().propagationBound().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertPerNodeOrder(name, filtered, "watch(service)");
        assertPerNodeOrder(name, everything, "watch(all)");
    }

    private void assertPerNodeOrder(String name, Watcher watcher, String which) throws InterruptedException {
        Map<String, List<WatchEvent>> perNode = new LinkedHashMap<>();
        int deletes = 0;
        while (deletes < NODES) {
            WatchEvent event;
            try {
                event = nextEventOf(watcher, name);
            } catch (AssertionError missing) {
                throw new AssertionError(which + ": waiting for the DELETE of every node, the events so far were "
                        + summary(perNode) + ": " + missing.getMessage(), missing);
            }
            perNode.computeIfAbsent(event.node().id(), k -> new ArrayList<>()).add(event);
            if (event.type() == WatchEvent.Type.DELETE) {
                deletes++;
            }
        }
        assertThat(perNode.keySet()).as("%s: nodes with events", which).hasSize(NODES);
        for (Map.Entry<String, List<WatchEvent>> entry : perNode.entrySet()) {
            String id = entry.getKey();
            List<WatchEvent> events = entry.getValue();
            String story = which + " events of node " + id + ": " + events.stream()
                    .map(e -> e.type() + "@" + Records.gen(e.service())).toList();
            assertThat(events.get(0).type()).as("first of %s", story).isEqualTo(WatchEvent.Type.CREATE);
            assertThat(events.get(events.size() - 1).type()).as("last of %s", story).isEqualTo(WatchEvent.Type.DELETE);
            int last = 0;
            for (int i = 0; i < events.size(); i++) {
                WatchEvent e = events.get(i);
                int gen = Records.gen(e.service());
                assertThat(e.service()).as("whole record of event %d of %s", i, story)
                        .isEqualTo(Records.single(name, id, gen));
                if (e.type() == WatchEvent.Type.DELETE) {
                    assertThat(i).as("DELETE is the last of %s", story).isEqualTo(events.size() - 1);
                    assertThat(gen).as("DELETE carries the newest record, in %s", story).isGreaterThanOrEqualTo(last);
                } else {
                    assertThat(e.type()).as("event %d of %s", i, story)
                            .isEqualTo(i == 0 ? WatchEvent.Type.CREATE : WatchEvent.Type.UPDATE);
                    assertThat(gen).as("generations only rise in %s", story).isGreaterThan(last);
                    last = gen;
                }
            }
        }
    }

    private static Map<String, List<String>> summary(Map<String, List<WatchEvent>> perNode) {
        Map<String, List<String>> summary = new LinkedHashMap<>();
        perNode.forEach((id, events) -> summary.put(id, events.stream()
                .map(e -> e.type() + "@" + Records.gen(e.service())).toList()));
        return summary;
    }
}
