package io.microregistry.tck;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recording sink records what it is told, and its replay fails on a push that cannot follow. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordingSinkTest {

    private static Service node(String id) {
        return Service.builder("svc").version("1").node(id, "127.0.0.1:1").build();
    }

    @Test
    void recordsEveryPushInOrderAndReplaysTheEvents() {
        RecordingSink sink = new RecordingSink();
        RegistryUnavailableException cause = new RegistryUnavailableException("closed", null);
        sink.event(WatchEvent.create(node("a")));
        sink.status(WatchStatus.of(WatchStatus.State.RESYNCING, cause));
        sink.event(WatchEvent.create(node("b")));
        sink.event(WatchEvent.update(node("a")));
        sink.event(WatchEvent.delete(node("b")));
        sink.status(WatchStatus.current());
        sink.broken(cause);

        assertThat(sink.pushes()).hasSize(7);
        assertThat(sink.events()).extracting(WatchEvent::type).containsExactly(WatchEvent.Type.CREATE,
                WatchEvent.Type.CREATE, WatchEvent.Type.UPDATE, WatchEvent.Type.DELETE);
        assertThat(sink.states()).containsExactly(WatchStatus.State.RESYNCING, WatchStatus.State.CURRENT);
        assertThat(sink.statuses()).hasSize(2);
        assertThat(sink.broken()).containsExactly(cause);
        assertThat(sink.eventThreads()).containsExactly(Thread.currentThread().getName());
        assertThat(sink.overlapped()).isFalse();
        assertThat(sink.live()).containsExactly("a");
    }

    @Test
    void replayFailsOnACreateOfALiveNode() {
        RecordingSink sink = new RecordingSink();
        sink.event(WatchEvent.create(node("a")));
        sink.event(WatchEvent.create(node("a")));
        assertThatThrownBy(sink::live).isInstanceOf(AssertionError.class).hasMessageContaining("CREATE of a");
    }

    @Test
    void replayFailsOnAnUpdateOrDeleteOfAnAbsentNode() {
        RecordingSink updated = new RecordingSink();
        updated.event(WatchEvent.update(node("a")));
        assertThatThrownBy(updated::live).isInstanceOf(AssertionError.class).hasMessageContaining("UPDATE of a");

        RecordingSink deleted = new RecordingSink();
        deleted.event(WatchEvent.create(node("a")));
        deleted.event(WatchEvent.delete(node("a")));
        deleted.event(WatchEvent.delete(node("a")));
        assertThatThrownBy(deleted::live).isInstanceOf(AssertionError.class).hasMessageContaining("DELETE of a");
    }
}
