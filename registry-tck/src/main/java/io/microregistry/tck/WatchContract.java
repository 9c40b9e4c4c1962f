package io.microregistry.tck;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.microregistry.WatchEvent.Type.CREATE;
import static io.microregistry.WatchEvent.Type.DELETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Watchers see every change after {@code watch()} returns, per node, in order. Each step
 * below waits for its event before the next change, so backends that observe by polling or
 * blocking queries are held to the same sequence as those with an event log.
 */
public abstract class WatchContract extends Contract {

    protected WatchContract(RegistryFixture fixture) {
        super(fixture);
    }

    private static Service v(String name, String address, String gen) {
        return service(name, "1", node("n1", address, Map.of("gen", gen)));
    }

    @Test
    void createUpdateDeleteArriveInOrderPerNode() throws InterruptedException {
        String name = uniqueName("watch-order");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));

        writer.register(v(name, "127.0.0.1:1", "1"));
        assertThat(nextEventOf(watcher, name)).isEqualTo(WatchEvent.create(v(name, "127.0.0.1:1", "1")));

        writer.register(v(name, "127.0.0.1:1", "2"));
        assertThat(nextEventOf(watcher, name)).isEqualTo(WatchEvent.update(v(name, "127.0.0.1:1", "2")));

        writer.register(v(name, "127.0.0.1:2", "2"));
        assertThat(nextEventOf(watcher, name)).isEqualTo(WatchEvent.update(v(name, "127.0.0.1:2", "2")));

        writer.deregister(v(name, "127.0.0.1:2", "2"));
        WatchEvent deleted = nextEventOf(watcher, name);
        assertThat(deleted.type()).isEqualTo(DELETE);
        assertThat(deleted.node().id()).isEqualTo("n1");
        assertThat(deleted.service().name()).isEqualTo(name);
    }

    @Test
    void eachNodeGetsItsOwnEvent() throws InterruptedException {
        String name = uniqueName("watch-nodes");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));

        writer.register(service(name, "1", node("a", "127.0.0.1:1"), node("b", "127.0.0.1:2")));

        List<String> created = new ArrayList<>();
        created.add(nextEventOf(watcher, name).node().id());
        created.add(nextEventOf(watcher, name).node().id());
        assertThat(created).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void reRegisteringUnchangedEmitsNothing() throws InterruptedException {
        String name = uniqueName("watch-same");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        writer.register(v(name, "127.0.0.1:1", "1"));
        assertThat(nextEventOf(watcher, name).type()).isEqualTo(CREATE);

        writer.register(v(name, "127.0.0.1:1", "1"));
        writer.register(v(name, "127.0.0.1:1", "marker"));

        // The unchanged re-registration must not show up before the marker's UPDATE.
        assertThat(nextEventOf(watcher, name)).isEqualTo(WatchEvent.update(v(name, "127.0.0.1:1", "marker")));
    }

    @Test
    void serviceFilterKeepsOtherServicesOut() throws InterruptedException {
        String wanted = uniqueName("watch-wanted");
        String other = uniqueName("watch-other");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(wanted));

        writer.register(service(other, "1", node("o1", "127.0.0.1:1")));
        writer.register(service(wanted, "1", node("w1", "127.0.0.1:2")));
        writer.register(service(other, "1", node("o2", "127.0.0.1:3")));
        writer.register(service(wanted, "1", node("w2", "127.0.0.1:4")));

        assertThat(nextEvent(watcher, e -> true).node().id()).isEqualTo("w1");
        assertThat(nextEvent(watcher, e -> true).node().id()).isEqualTo("w2");
    }

    @Test
    void watchingEverythingSeesEveryService() throws InterruptedException {
        String one = uniqueName("watch-all-a");
        String two = uniqueName("watch-all-b");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.all());

        writer.register(service(one, "1", node("n1", "127.0.0.1:1")));
        writer.register(service(two, "1", node("n2", "127.0.0.1:2")));

        List<String> seen = new ArrayList<>();
        seen.add(nextEvent(watcher, e -> e.service().name().equals(one) || e.service().name().equals(two))
                .service().name());
        seen.add(nextEvent(watcher, e -> e.service().name().equals(one) || e.service().name().equals(two))
                .service().name());
        assertThat(seen).containsExactlyInAnyOrder(one, two);
    }

    @Test
    void expiryIsSeenAsDelete() throws InterruptedException {
        require(Capability.ABANDON_CLIENT);
        String name = uniqueName("watch-expiry");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        writer.register(service(name, "1", node("n1", "127.0.0.1:1")), RegisterOptions.ttl(fixture().shortTtl()));
        assertThat(nextEventOf(watcher, name).type()).isEqualTo(CREATE);

        fixture().abandon(writer);

        WatchEvent event = nextEvent(watcher, e -> e.service().name().equals(name),
                fixture().shortTtl().plus(fixture().propagationBound()));
        assertThat(event.type()).isEqualTo(DELETE);
        assertThat(event.node().id()).isEqualTo("n1");
    }

    @Test
    void nextWithATimeoutReturnsEmptyWhenNothingHappens() throws InterruptedException {
        Watcher watcher = watch(client(), WatchOptions.service(uniqueName("watch-quiet")));
        long start = System.nanoTime();

        assertThat(watcher.next(Duration.ofMillis(300))).isEmpty();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("next(300 ms) took")
                .isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(fixture().propagationBound().plusMillis(300));
    }

    @Test
    void stopUnblocksAWaitingNext() throws Exception {
        Watcher watcher = watch(client(), WatchOptions.service(uniqueName("watch-stop")));
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    watcher.next();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, reader);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !outcome.isDone());

            watcher.stop();

            assertThat(outcome.get(fixture().propagationBound().toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(WatcherStoppedException.class);
            assertThat(watcher.isStopped()).isTrue();
            assertThatThrownBy(watcher::next).isInstanceOf(WatcherStoppedException.class);
            assertThatThrownBy(() -> watcher.next(Duration.ofMillis(10))).isInstanceOf(WatcherStoppedException.class);
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void severalWatchersSeeTheSameSequence() throws InterruptedException {
        String name = uniqueName("watch-same-seq");
        Registry writer = client();
        Watcher first = watch(client(), WatchOptions.service(name));
        Watcher second = watch(client(), WatchOptions.service(name));
        Watcher third = watch(client(), WatchOptions.all());

        List<WatchEvent> expected = List.of(
                WatchEvent.create(v(name, "127.0.0.1:1", "1")),
                WatchEvent.update(v(name, "127.0.0.1:1", "2")),
                WatchEvent.delete(v(name, "127.0.0.1:1", "2")));
        writer.register(v(name, "127.0.0.1:1", "1"));
        awaitEventOnAll(expected.get(0), first, second, third);
        writer.register(v(name, "127.0.0.1:1", "2"));
        awaitEventOnAll(expected.get(1), first, second, third);
        writer.deregister(v(name, "127.0.0.1:1", "2"));
        for (Watcher w : List.of(first, second, third)) {
            WatchEvent deleted = nextEventOf(w, name);
            assertThat(deleted.type()).isEqualTo(DELETE);
            assertThat(deleted.node().id()).isEqualTo("n1");
        }
    }

    private void awaitEventOnAll(WatchEvent expected, Watcher... watchers) throws InterruptedException {
        for (Watcher w : watchers) {
            assertThat(nextEventOf(w, expected.service().name())).isEqualTo(expected);
        }
    }

    @Test
    void deleteCarriesTheLastKnownRecord() throws InterruptedException {
        String name = uniqueName("watch-delete-record");
        Registry writer = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        Service service = v(name, "127.0.0.1:7", "last");
        writer.register(service);
        assertThat(nextEventOf(watcher, name).type()).isEqualTo(CREATE);

        writer.deregister(service);

        WatchEvent deleted = nextEventOf(watcher, name);
        assertThat(deleted).isEqualTo(WatchEvent.delete(service));
    }
}
