package io.microregistry.memory;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Expiry on a clock the test controls, so TTL logic is checked without waiting. */
class MemoryStoreTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    /** Expiry threads of stores other tests in this JVM may hold open. */
    private final java.util.Set<Thread> sharedStoreThreads = Thread.getAllStackTraces().keySet();

    @Test
    void aHaltedClientsNodeExpiresAfterItsTtlAndIsSeenAsDelete() throws InterruptedException {
        try (MemoryStore store = new MemoryStore(now::get)) {
            MemoryRegistry owner = store.client();
            MemoryRegistry reader = store.client();
            Watcher watcher = reader.watch(WatchOptions.all());
            Service service = new Service("s", "1", Map.of(), List.of(), List.of(Node.of("n", "h:1")));
            owner.register(service, RegisterOptions.ttl(Duration.ofSeconds(10)));
            assertThat(watcher.next(Duration.ofSeconds(1))).contains(WatchEvent.create(service));

            now.addAndGet(Duration.ofHours(1).toNanos());
            store.expire();
            assertThat(reader.getService("s")).as("a live client keeps its node").hasSize(1);

            owner.halt();
            now.addAndGet(Duration.ofSeconds(9).toNanos());
            store.expire();
            assertThat(reader.getService("s")).as("still within TTL").hasSize(1);

            now.addAndGet(Duration.ofSeconds(1).toNanos());
            assertThat(reader.getService("s")).as("reads hide expired nodes before the sweep").isEmpty();
            store.expire();
            assertThat(watcher.next(Duration.ofSeconds(1))).contains(WatchEvent.delete(service));
        }
    }

    @Test
    void aStandaloneClientFreesItsExpiryThreadEvenAfterHalt() {
        MemoryRegistry client = MemoryRegistry.standalone();
        client.halt();
        client.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet()
                .stream().noneMatch(t -> t.isAlive() && t.getName().startsWith("micro-registry-memory-expiry")
                        && !sharedStoreThreads.contains(t)));
    }

    @Test
    void aWriteRacingCloseIsRefusedNotLeftBehind() {
        try (MemoryStore store = new MemoryStore(now::get)) {
            MemoryConnection connection = new MemoryConnection(store, false);
            MemoryRegistry owner = new MemoryRegistry(connection);
            MemoryRegistry reader = store.client();
            Service service = new Service("s", "1", Map.of(), List.of(), List.of(Node.of("n", "h:1")));
            owner.close();
            // What a register that passed its open check just before close() would do next:
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                    store.put(service, connection, Duration.ofSeconds(10).toNanos())).isInstanceOf(IllegalStateException.class);
            assertThat(reader.getService("s")).isEmpty();
        }
    }
}
