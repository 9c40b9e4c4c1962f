package io.microregistry.tck;

import io.microregistry.Registry;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.WatcherStoppedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code close()} cleans up after itself, once, and the client is unusable afterwards. */
public abstract class LifecycleContract extends Contract {

    protected LifecycleContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void closeDeregistersOwnNodesAtOnce() {
        String name = uniqueName("close-dereg");
        Registry owner = fixture().newClient();
        Registry other = client();
        Registry reader = client();
        owner.register(service(name, "1", node("mine", "127.0.0.1:1")));
        other.register(service(name, "1", node("theirs", "127.0.0.1:2")));
        await().until(() -> nodeIds(reader, name).size() == 2);

        owner.close();

        // Within the propagation bound, not the TTL: close removes, it does not wait to expire.
        await().untilAsserted(() -> assertThat(nodeIds(reader, name)).containsExactly("theirs"));
    }

    @Test
    void closeIsIdempotent() {
        Registry client = fixture().newClient();
        client.register(service(uniqueName("idem"), "1", node("n1", "127.0.0.1:1")));
        client.close();
        assertThatCode(client::close).doesNotThrowAnyException();
    }

    @Test
    void callsAfterCloseFail() {
        Registry client = fixture().newClient();
        client.close();
        String name = uniqueName("closed");
        assertThatThrownBy(() -> client.register(service(name, "1", node("n1", "127.0.0.1:1"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.deregister(service(name, "1", node("n1", "127.0.0.1:1"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.getService(name)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(client::listServices).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.watch(WatchOptions.all())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeStopsWatchers() {
        Registry client = fixture().newClient();
        Watcher watcher = client.watch(WatchOptions.all());
        client.close();
        assertThat(watcher.isStopped()).isTrue();
        assertThatThrownBy(() -> watcher.next(Duration.ofSeconds(1))).isInstanceOf(WatcherStoppedException.class);
    }

    @Test
    @TimeBudget(propagations = 6, extraSeconds = 15)
    void closeLeavesNoThreadsBehind() throws InterruptedException {
        Set<Long> before = liveThreads().stream().map(Thread::getId).collect(Collectors.toSet());
        String name = uniqueName("threads");
        Registry client = fixture().newClient();
        client.register(service(name, "1", node("n1", "127.0.0.1:1")));
        client.getService(name);
        client.listServices();
        Watcher all = client.watch(WatchOptions.all());
        Watcher one = client.watch(WatchOptions.service(name));
        all.next(Duration.ofMillis(10));
        one.stop();

        client.close();

        await(fixture().propagationBound().plus(Duration.ofSeconds(5))).untilAsserted(() ->
                assertThat(liveThreads().stream()
                        .filter(t -> !before.contains(t.getId()))
                        .filter(t -> fixture().sharedThreadPrefixes().stream().noneMatch(p -> t.getName().startsWith(p)))
                        .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
                        .map(Thread::getName).toList())
                        .as("threads started by the client and still alive after close()")
                        .isEmpty());
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }
}
