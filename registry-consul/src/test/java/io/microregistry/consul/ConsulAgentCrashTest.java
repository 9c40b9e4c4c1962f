package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14: an agent that keeps its state (a production server agent, not {@code -dev}) is
 * SIGKILLed and restarted after a registrant died. The dead registrant's node must never be
 * served again, by lookups or watches, and the live one comes back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ConsulAgentCrashTest {
    private static final Duration TTL = Duration.ofSeconds(5);

    private final ConsulAgent agent = ConsulAgent.startPersistent();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress())
                .withTimeout(Duration.ofSeconds(2)));
    }

    private static Service node(String id, int port) {
        return Service.builder("crash-svc").version("1").node(new Node(id, "127.0.0.1:" + port, java.util.Map.of()))
                .build();
    }

    private static List<String> ids(List<Service> services) {
        return services.stream().flatMap(s -> s.nodes().stream()).map(Node::id).toList();
    }

    /** Writes KV entries (one raft entry each) from 4 threads for {@code during}; returns how many. */
    private long churn(Duration during) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();
        long end = System.nanoTime() + during.toNanos();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    try {
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + agent.httpAddress()
                                        + "/v1/kv/churn/" + thread + "/" + (i % 500)))
                                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x".repeat(200) + i)).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                        count.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            writer.start();
            threads.add(writer);
        }
        for (Thread writer : threads) {
            writer.join();
        }
        return count.get();
    }

    @Test
    void aDeadRegistrantStaysGoneAfterTheAgentIsKilledAndRestarted() throws Exception {
        Registry dying = client();
        Registry living = client();
        Registry reader = client();
        try {
            dying.register(node("dead-1", 1), RegisterOptions.ttl(TTL));
            living.register(node("live-1", 2), RegisterOptions.ttl(TTL));
            Watcher watcher = reader.watch(WatchOptions.service("crash-svc"));
            List<WatchEvent> events = new CopyOnWriteArrayList<>();
            Thread pump = new Thread(() -> {
                try {
                    while (true) {
                        events.add(watcher.next());
                    }
                } catch (Exception stopped) {
                    // watcher closed
                }
            });
            pump.setDaemon(true);
            pump.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ids(reader.getService("crash-svc")),
                    l -> l.containsAll(List.of("dead-1", "live-1")));

            ((io.microregistry.backend.StoreRegistry) dying).abandon();
            // Raft entries between the dead node's last passing state and its critical one: after the
            // restart they are replayed, and a read served from the half-replayed state shows it passing.
            long written = churn(TTL.minusSeconds(1));
            await().atMost(TTL.plusSeconds(2)).until(() -> ids(reader.getService("crash-svc")),
                    l -> l.equals(List.of("live-1")));
            await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                    .anyMatch(e -> e.type() == WatchEvent.Type.DELETE && ids(List.of(e.service())).contains("dead-1")));
            int before = events.size();

            // Read without pause from before the kill until well after the restart: the dead node must never be served.
            List<String> seen = new CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread poller = new Thread(() -> {
                while (reading.get()) {
                    try {
                        List<String> now = ids(reader.getService("crash-svc"));
                        seen.add(now.toString());
                    } catch (io.microregistry.RegistryException restarting) {
                        seen.add("unavailable");
                    }
                }
            });
            poller.setDaemon(true);
            poller.start();
            agent.kill();
            agent.relaunch();
            await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(40))
                    .until(() -> ids(reader.getService("crash-svc")), l -> l.equals(List.of("live-1")));
            reading.set(false);
            poller.join(10_000);
            System.out.println("raft entries written " + written + "; reads " + seen.size() + ", distinct answers "
                    + new java.util.LinkedHashSet<>(seen));
            assertThat(seen).as("lookups around the agent restart").noneMatch(a -> a.contains("dead-1"));
            assertThat(seen).contains("[live-1]");
            assertThat(events.subList(before, events.size()))
                    .as("watch events after the agent restart")
                    .noneMatch(e -> e.type() != WatchEvent.Type.DELETE && ids(List.of(e.service())).contains("dead-1"));
            watcher.close();
            pump.join(5000);
        } finally {
            reader.close();
            living.close();
            dying.close();
        }
    }
}
