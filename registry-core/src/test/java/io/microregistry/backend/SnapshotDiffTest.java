package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotDiffTest {

    private static Service record(String id, String address) {
        return new Service("s", "1", Map.of(), List.of(), List.of(Node.of(id, address)));
    }

    @Test
    void emitsDeleteCreateAndUpdateOnlyForWhatChanged() {
        Map<String, Service> before = Map.of("gone", record("gone", "h:1"), "same", record("same", "h:2"),
                "moved", record("moved", "h:3"));
        Map<String, Service> after = Map.of("same", record("same", "h:2"), "moved", record("moved", "h:4"),
                "new", record("new", "h:5"));

        assertThat(SnapshotDiff.diff(before, after)).containsExactlyInAnyOrder(
                WatchEvent.delete(record("gone", "h:1")),
                WatchEvent.update(record("moved", "h:4")),
                WatchEvent.create(record("new", "h:5")));
    }

    @Test
    void identicalViewsEmitNothing() {
        Map<String, Service> view = Map.of("a", record("a", "h:1"));
        assertThat(SnapshotDiff.diff(view, Map.copyOf(view))).isEmpty();
    }
}
