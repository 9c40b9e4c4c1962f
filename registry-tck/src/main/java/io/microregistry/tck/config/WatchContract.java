package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigWatcher;
import io.microregistry.WatcherStoppedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Watches deliver the current entries, then every change once, in the order the backend
 * applied it, to push listeners and pull watchers alike.
 */
public abstract class WatchContract extends ConfigContract {
    private static final int WRITERS = 4;
    private static final int WRITES = 25;

    protected WatchContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void snapshotThenPutsAndDeletesInOrder() throws InterruptedException {
        Config writer = client();
        writer.put(key("w/existing"), "before");
        Recorder recorder = new Recorder();
        subscribe(client(), key("w"), recorder);
        ConfigWatcher pull = watch(client(), key("w"));
        await().until(() -> recorder.snapshotSeen);
        assertThat(recorder.snapshot).extracting(ConfigEntry::key).containsExactly(key("w/existing"));

        writer.put(key("w/a"), "1");
        writer.put(key("w/a"), "2");
        writer.delete(key("w/existing"));
        java.util.Map<String, String> expected = java.util.Map.of(key("w/a"), "2");
        await().untilAsserted(() -> assertThat(RecoveryContract.replay(recorder.snapshot, recorder.changes)).isEqualTo(expected));
        List<ConfigChange> pulled = new ArrayList<>();
        List<ConfigEntry> pullSnapshot = List.of(recorder.snapshot.get(0));
        long deadline = System.nanoTime() + fixture().propagationBound().toNanos();
        while (!RecoveryContract.replay(pullSnapshot, pulled).equals(expected)) {
            assertThat(System.nanoTime()).as("the pull watcher reached the final state in time").isLessThan(deadline);
            pull.next(Duration.ofMillis(100)).ifPresent(pulled::add);
        }
        for (List<ConfigChange> seen : List.of(List.copyOf(recorder.changes), pulled)) {
            if (fixture().capabilities().contains(ConfigCapability.EVERY_CHANGE)) {
                assertThat(seen).extracting(ConfigChange::type, ConfigChange::key, c -> c.text().orElse(null))
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple(ConfigChange.Type.PUT, key("w/a"), "1"),
                                org.assertj.core.groups.Tuple.tuple(ConfigChange.Type.PUT, key("w/a"), "2"),
                                org.assertj.core.groups.Tuple.tuple(ConfigChange.Type.DELETE, key("w/existing"), null));
            }
            assertThat(seen).extracting(ConfigChange::revision).isSorted();
            assertThat(seen).filteredOn(c -> c.type() == ConfigChange.Type.DELETE).extracting(ConfigChange::key)
                    .containsExactly(key("w/existing"));
        }
    }

    @Test
    void concurrentWritersAreSeenInOrderWithNothingLostOrRepeated() throws Exception {
        Recorder push = new Recorder();
        subscribe(client(), key("burst"), push);
        Recorder second = new Recorder();
        subscribe(client(), key("burst"), second);
        await().until(() -> push.snapshotSeen && second.snapshotSeen);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Config writer = client();
                String k = key("burst/writer-" + w);
                done.add(pool.submit(() -> {
                    for (int i = 1; i <= WRITES; i++) {
                        writer.put(k, Integer.toString(i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Recorder r : List.of(push, second)) {
            await().untilAsserted(() -> {
                Map<String, Integer> last = lastValues(r.changes);
                assertThat(last).hasSize(WRITERS).allSatisfy((k, v) -> assertThat(v).isEqualTo(WRITES));
            });
            // Across keys, only a backend with history orders by revision; without it, per key.
            assertOrdered(r.changes, fixture().capabilities().contains(ConfigCapability.EVERY_CHANGE));
        }
        if (fixture().capabilities().contains(ConfigCapability.EVERY_CHANGE)) {
            assertThat(push.changes).hasSize(WRITERS * WRITES);
            assertThat(second.changes).containsExactlyElementsOf(push.changes);
        }
    }

    /** Per key, values only go up; overall, revisions strictly increase; no (key, version) twice. */
    static void assertOrdered(List<ConfigChange> changes) {
        assertOrdered(changes, true);
    }

    /** As {@link #assertOrdered(List)}; {@code revisions} false where a wiped server starts its revisions over. */
    static void assertOrdered(List<ConfigChange> changes, boolean revisions) {
        Map<String, Integer> perKey = new HashMap<>();
        Set<String> seen = new HashSet<>();
        long revision = Long.MIN_VALUE;
        for (ConfigChange c : changes) {
            if (revisions) {
                assertThat(c.revision()).as("revision of %s after %s", c, revision).isGreaterThanOrEqualTo(revision);
            }
            revision = c.revision();
            // With the value: a wiped server may hand out a version number again, never with the same value here.
            String id = c.key() + "@" + c.entry().map(ConfigEntry::version).orElse(-1L) + c.type() + "=" + c.text().orElse("");
            assertThat(seen.add(id)).as("change %s delivered once", c).isTrue();
            int v = Integer.parseInt(c.text().orElseThrow());
            Integer before = perKey.put(c.key(), v);
            if (before != null) {
                assertThat(v).as("value of %s after %s", c.key(), before).isGreaterThan(before);
            }
        }
    }

    static Map<String, Integer> lastValues(List<ConfigChange> changes) {
        Map<String, Integer> last = new HashMap<>();
        changes.forEach(c -> c.text().ifPresent(t -> last.put(c.key(), Integer.parseInt(t))));
        return last;
    }

    @Test
    void stoppingAPullWatcherUnblocksAndEndsIt() throws Exception {
        ConfigWatcher watcher = watch(client(), key("stop"));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<ConfigChange>> waiting = pool.submit(() -> watcher.next(Duration.ofMinutes(1)));
            watcher.stop();
            assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(WatcherStoppedException.class);
            assertThat(watcher.isStopped()).isTrue();
            assertThatThrownBy(watcher::next).isInstanceOf(WatcherStoppedException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}
