package io.microregistry.tck.config;

import io.microregistry.RegistryException;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Across a server restart a watch resumes where it stopped: nothing lost, nothing repeated. */
public abstract class RecoveryContract extends ConfigContract {

    protected RecoveryContract(ConfigFixture fixture) {
        super(fixture);
    }

    @Test
    void noLostOrRepeatedChangeAcrossAServerRestart() {
        require(ConfigCapability.SERVER_RESTART);
        Config writer = client();
        Recorder recorder = new Recorder();
        subscribe(client(), key("r"), recorder);
        await().until(() -> recorder.snapshotSeen);
        for (int i = 1; i <= 5; i++) {
            writer.put(key("r/k" + i), "1");
        }
        await().until(() -> recorder.changes.size() >= 5);

        fixture().restartServer();

        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() -> {
            writer.put(key("r/k1"), "2");
        });
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() -> {
            writer.delete(key("r/k2"));
            writer.put(key("r/k6"), "1");
        });
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() -> {
            Map<String, String> expected = new TreeMap<>();
            for (ConfigEntry e : writer.list(key("r"))) {
                expected.put(e.key(), e.text());
            }
            assertThat(replay(recorder.snapshot, recorder.changes)).isEqualTo(expected);
            assertThat(expected).containsEntry(key("r/k1"), "2").containsEntry(key("r/k6"), "1").doesNotContainKey(key("r/k2"));
        });
        // A server that lost its state (a dev agent) starts its revisions over, so only per-key order and no repeats are asked.
        WatchContract.assertOrdered(recorder.changes.stream().filter(c -> c.type() == ConfigChange.Type.PUT).toList(), false);
        await(fixture().recoveryBound()).until(() -> recorder.statuses.isEmpty()
                || recorder.statuses.get(recorder.statuses.size() - 1).isCurrent());
    }

    static Map<String, String> replay(List<ConfigEntry> snapshot, List<ConfigChange> changes) {
        Map<String, String> state = new TreeMap<>();
        snapshot.forEach(e -> state.put(e.key(), e.text()));
        for (ConfigChange c : changes) {
            if (c.type() == ConfigChange.Type.PUT) {
                state.put(c.key(), c.text().orElseThrow());
            } else {
                state.remove(c.key());
            }
        }
        return state;
    }
}
