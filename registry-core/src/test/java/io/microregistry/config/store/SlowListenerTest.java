package io.microregistry.config.store;

import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.memory.MemoryConfigStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A listener that blocks must not make its subscription hold every change (DESIGN: bounded readers). */
@Timeout(60)
class SlowListenerTest {
    private static final int PUTS = 10_000;
    private static final List<String> KEYS = List.of("slow/a", "slow/b", "slow/c");

    @Test
    void aBlockedListenerHoldsABoundedBacklogAndStillReachesTheFinalState() throws Exception {
        MemoryConfigStore store = new MemoryConfigStore();
        store.put("slow/c", bytes("seed"));
        CountDownLatch gate = new CountDownLatch(1);
        List<ConfigChange> seen = new CopyOnWriteArrayList<>();
        ConfigListener blocked = new ConfigListener() {
            @Override
            public void onChange(ConfigChange change) {
                seen.add(change);
                try {
                    gate.await(50, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Follower follower = Follower.start(store, "slow/", k -> k.startsWith("slow/"), blocked, "slow/", () -> { });
        try {
            Map<String, String> expected = new HashMap<>();
            for (int i = 1; i <= PUTS; i++) {
                store.put(KEYS.get(i % KEYS.size()), bytes(Integer.toString(i)));
                expected.put(KEYS.get(i % KEYS.size()), Integer.toString(i));
            }
            expected.remove("slow/c");
            store.delete("slow/c");
            long last = store.list("slow/").revision();
            await().atMost(Duration.ofSeconds(30)).until(() -> follower.appliedRevision() >= last);

            // Everything is applied while the listener still blocks in its first call: the rest waits, bounded.
            assertThat(seen).hasSize(1);
            assertThat(follower.pendingCalls()).isLessThanOrEqualTo(ListenerMailbox.EXACT_LIMIT + 1);
            gate.countDown();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(follower.pendingCalls()).isZero();
                assertThat(replay(seen)).isEqualTo(expected).containsOnlyKeys("slow/a", "slow/b");
            });
            assertThat(seen.size()).isLessThanOrEqualTo(ListenerMailbox.EXACT_LIMIT + 2).isLessThan(PUTS);
            // Per key, versions only go up: coalescing never delivers an older change after a newer one.
            Map<String, Long> lastRevision = new HashMap<>();
            for (ConfigChange c : seen) {
                Long before = lastRevision.put(c.key(), c.revision());
                assertThat(before == null || before < c.revision()).as("%s after revision %s", c, before).isTrue();
            }
            assertThat(seen).filteredOn(c -> c.key().equals("slow/c")).last()
                    .extracting(ConfigChange::type).isEqualTo(ConfigChange.Type.DELETE);
        } finally {
            gate.countDown();
            follower.close();
        }
    }

    private static Map<String, String> replay(List<ConfigChange> changes) {
        Map<String, String> state = new HashMap<>();
        state.put("slow/c", "seed");
        for (ConfigChange c : changes) {
            if (c.type() == ConfigChange.Type.PUT) {
                state.put(c.key(), c.text().orElseThrow());
            } else {
                state.remove(c.key());
            }
        }
        return state;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
