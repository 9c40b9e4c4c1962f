package io.microregistry.tck.config;

import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigWatcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A prefix is a directory: {@code app} never matches {@code app2}, {@code app-x} or {@code app} itself. */
public abstract class PrefixContract extends ConfigContract {

    protected PrefixContract(ConfigFixture fixture) {
        super(fixture);
    }

    private void writeLookalikes(Config client) {
        client.put(key("app"), "the key named like the prefix");
        client.put(key("app/x"), "in");
        client.put(key("app/sub/y"), "in, deeper");
        client.put(key("app2/x"), "sibling");
        client.put(key("app-x"), "sibling");
        client.put(key("ap"), "shorter");
    }

    @Test
    void listNeverMatchesASibling() {
        Config client = client();
        writeLookalikes(client);
        assertThat(client.list(key("app")).stream().map(ConfigEntry::key))
                .containsExactly(key("app/sub/y"), key("app/x"));
        assertThat(client.list(key("app/")).stream().map(ConfigEntry::key))
                .containsExactly(key("app/sub/y"), key("app/x"));
        assertThat(client.list(key("app2")).stream().map(ConfigEntry::key)).containsExactly(key("app2/x"));
    }

    @Test
    void watchNeverMatchesASibling() throws InterruptedException {
        Config writer = client();
        ConfigWatcher watcher = watch(client(), key("app"));
        ConfigWatcher single = closeLater(client().watchKey(key("app/x")));
        writeLookalikes(writer);
        writer.put(key("app/x/child"), "child of the watched key");
        writer.put(key("app/xy"), "lookalike of the watched key");
        writer.put(key("app/end"), "marker");
        assertThat(nextKeys(watcher, key("app/end"))).containsExactly(key("app/x"), key("app/sub/y"),
                key("app/x/child"), key("app/xy"), key("app/end"));
        writer.put(key("app/x"), "again");
        assertThat(nextKeys(single, null)).containsExactly(key("app/x"), key("app/x"));
    }

    /** Keys of the changes until {@code last} arrives (or, with null, two changes). */
    private java.util.List<String> nextKeys(ConfigWatcher watcher, String last) throws InterruptedException {
        java.util.List<String> keys = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + fixture().propagationBound().toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ConfigChange> c = watcher.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (c.isEmpty()) {
                break;
            }
            keys.add(c.get().key());
            if (last == null ? keys.size() == 2 : c.get().key().equals(last)) {
                return keys;
            }
        }
        return keys;
    }
}
