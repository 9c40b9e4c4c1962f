package io.microregistry.config.store;

import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class ListenerMailboxTest {

    @Test
    void belowTheLimitEveryChangeIsKeptInOrder() throws Exception {
        List<ConfigChange> out = new ArrayList<>();
        ListenerMailbox box = new ListenerMailbox(out::add);
        for (int i = 1; i <= ListenerMailbox.EXACT_LIMIT; i++) {
            box.postChange(put(i % 2 == 0 ? "a" : "b", i));
        }
        drain(box);
        assertThat(out).extracting(ConfigChange::revision).hasSize(ListenerMailbox.EXACT_LIMIT).isSorted();
    }

    @Test
    void pastTheLimitEachKeyKeepsItsLatestChangeAtItsFirstPlaceAndStatusCallsStay() throws Exception {
        List<Object> out = new ArrayList<>();
        ListenerMailbox box = new ListenerMailbox(out::add);
        box.postChange(put("b", 1));
        box.post(() -> out.add("stale"));
        box.postChange(put("a", 2));
        for (int i = 3; i <= ListenerMailbox.EXACT_LIMIT + 10; i++) {
            box.postChange(put(i % 2 == 0 ? "a" : "b", i));
        }
        long lastA = ListenerMailbox.EXACT_LIMIT + 10;
        box.postChange(ConfigChange.delete("b", lastA + 1));
        assertThat(box.size()).isLessThanOrEqualTo(ListenerMailbox.EXACT_LIMIT + 1);
        drain(box);
        assertThat(out).hasSizeLessThanOrEqualTo(ListenerMailbox.EXACT_LIMIT + 1);
        // b first (its first place), then the status call, then a; afterwards only newer changes.
        List<ConfigChange> lastOfEach = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof ConfigChange c) {
                lastOfEach.removeIf(x -> x.key().equals(c.key()));
                lastOfEach.add(c);
            }
        }
        assertThat(lastOfEach).extracting(ConfigChange::key, ConfigChange::type, ConfigChange::revision)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", ConfigChange.Type.PUT, lastA),
                        org.assertj.core.groups.Tuple.tuple("b", ConfigChange.Type.DELETE, lastA + 1));
        assertThat(out.get(0)).isInstanceOf(ConfigChange.class).extracting(o -> ((ConfigChange) o).key()).isEqualTo("b");
        assertThat(out.get(1)).isEqualTo("stale");
        assertThat(out.get(2)).isInstanceOf(ConfigChange.class).extracting(o -> ((ConfigChange) o).key()).isEqualTo("a");
        long[] perKey = new long[2];
        for (Object o : out) {
            if (o instanceof ConfigChange c) {
                int k = c.key().equals("a") ? 0 : 1;
                assertThat(c.revision()).as("%s after %s", c, perKey[k]).isGreaterThan(perKey[k]);
                perKey[k] = c.revision();
            }
        }
    }

    private static void drain(ListenerMailbox box) throws InterruptedException {
        while (box.size() > 0) {
            box.take().run();
        }
    }

    private static ConfigChange put(String key, long revision) {
        return ConfigChange.put(new ConfigEntry(key, new byte[] {1}, revision, revision));
    }
}
