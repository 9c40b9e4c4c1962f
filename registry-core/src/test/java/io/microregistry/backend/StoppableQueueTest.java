package io.microregistry.backend;

import io.microregistry.WatcherStoppedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@org.junit.jupiter.api.Timeout(30)
class StoppableQueueTest {

    private final StoppableQueue<String> queue = new StoppableQueue<>();

    @Test
    void handsItemsOverInOrderAndTimesOutEmpty() throws InterruptedException {
        queue.add("a");
        queue.add("b");

        assertThat(queue.next()).isEqualTo("a");
        assertThat(queue.next(Duration.ZERO)).contains("b");
        assertThat(queue.next(Duration.ofMillis(10))).isEmpty();
        assertThat(queue.next(Duration.ofMillis(-1))).isEmpty();
    }

    @Test
    void stopWakesEveryWaitingReader() {
        CompletableFuture<Throwable> first = CompletableFuture.supplyAsync(() -> thrownByNext(Duration.ofMinutes(1)));
        CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> thrownByNext(Duration.ofMinutes(1)));

        assertThat(queue.stop()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> first.isDone() && second.isDone());
        assertThat(first.join()).isInstanceOf(WatcherStoppedException.class);
        assertThat(second.join()).isInstanceOf(WatcherStoppedException.class);
    }

    @Test
    void stopDiscardsWhatWaitsAndDropsWhatComesLater() {
        queue.add("waiting");

        assertThat(queue.stop()).isTrue();
        assertThat(queue.stop()).isFalse();
        queue.add("dropped");

        assertThat(queue.isStopped()).isTrue();
        assertThatThrownBy(queue::next).isInstanceOf(WatcherStoppedException.class);
        assertThatThrownBy(() -> queue.next(Duration.ZERO)).isInstanceOf(WatcherStoppedException.class);
        assertThatThrownBy(() -> queue.next(Duration.ofMillis(10))).isInstanceOf(WatcherStoppedException.class);
    }

    private Throwable thrownByNext(Duration timeout) {
        try {
            queue.next(timeout);
            return null;
        } catch (WatcherStoppedException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }
}
