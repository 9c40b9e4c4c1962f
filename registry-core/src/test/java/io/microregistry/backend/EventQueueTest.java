package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatcherStoppedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.Timeout(30)
class EventQueueTest {

    private static WatchEvent created(String service) {
        return WatchEvent.create(new Service(service, "1", Map.of(), List.of(), List.of(Node.of("n", "h:1"))));
    }

    @Test
    void deliversInOrderAndFiltersByService() throws InterruptedException {
        EventQueue queue = new EventQueue(WatchOptions.service("a"));
        queue.event(created("a"));
        queue.event(created("b"));
        queue.event(created("a"));

        assertThat(queue.next().service().name()).isEqualTo("a");
        assertThat(queue.next(Duration.ofMillis(10))).map(e -> e.service().name()).contains("a");
        assertThat(queue.next(Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void stopUnblocksAReaderAndRunsTheCallbackOnce() {
        AtomicInteger stops = new AtomicInteger();
        EventQueue queue = new EventQueue(WatchOptions.all());
        queue.onStop(stops::incrementAndGet);
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                queue.next();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });

        queue.stop();
        queue.stop();

        await().atMost(Duration.ofSeconds(5)).until(reader::isDone);
        assertThat(reader.join()).isInstanceOf(WatcherStoppedException.class);
        assertThat(stops).hasValue(1);
        queue.event(created("a"));
        assertThatThrownBy(queue::next).isInstanceOf(WatcherStoppedException.class);
        assertThatThrownBy(() -> queue.next(Duration.ZERO)).isInstanceOf(WatcherStoppedException.class);
    }

    @Test
    void statusIsTheLastOnePushedAndABrokenWatchStopsTheWatcher() {
        EventQueue queue = new EventQueue(WatchOptions.all());
        AtomicInteger stops = new AtomicInteger();
        queue.onStop(stops::incrementAndGet);
        assertThat(queue.status().state()).isEqualTo(io.microregistry.WatchStatus.State.CURRENT);

        queue.status(io.microregistry.WatchStatus.of(io.microregistry.WatchStatus.State.RESYNCING,
                new io.microregistry.RegistryUnavailableException("server gone", null)));
        assertThat(queue.status().state()).isEqualTo(io.microregistry.WatchStatus.State.RESYNCING);
        assertThat(queue.isStopped()).isFalse();

        io.microregistry.RegistryUnavailableException cause = new io.microregistry.RegistryUnavailableException("closed", null);
        queue.broken(cause);
        assertThat(queue.isStopped()).isTrue();
        assertThat(queue.status().state()).isEqualTo(io.microregistry.WatchStatus.State.STALE);
        assertThat(queue.status().cause()).contains(cause);
        assertThat(stops).hasValue(1);
        assertThatThrownBy(queue::next).isInstanceOf(WatcherStoppedException.class);
    }

    @Test
    void aStopCallbackGivenAfterTheStopRunsAtOnce() {
        EventQueue queue = new EventQueue(WatchOptions.all());
        queue.stop();
        AtomicInteger stops = new AtomicInteger();
        queue.onStop(stops::incrementAndGet);
        assertThat(stops).hasValue(1);
    }
}
