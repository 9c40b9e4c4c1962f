package io.microregistry.backend;

import io.microregistry.Node;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.WatchStatus;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class ForwardingWatcherTest {

    private static final WatchStatus STALE = WatchStatus.of(WatchStatus.State.STALE,
            new io.microregistry.RegistryUnavailableException("gone", null));

    @Test
    void everyCallReachesTheDelegate() throws InterruptedException {
        AtomicInteger stops = new AtomicInteger();
        EventQueue delegate = new EventQueue(WatchOptions.all());
        delegate.onStop(stops::incrementAndGet);
        delegate.status(STALE);
        Watcher forwarding = new ForwardingWatcher(delegate) {
        };
        WatchEvent first = WatchEvent.create(new Service("a", "1", Map.of(), List.of(), List.of(Node.of("n1", "h:1"))));
        WatchEvent second = WatchEvent.delete(first.service());
        delegate.event(first);
        delegate.event(second);

        assertThat(forwarding.next()).isEqualTo(first);
        assertThat(forwarding.next(Duration.ofSeconds(1))).contains(second);
        assertThat(forwarding.next(Duration.ofMillis(10))).isEmpty();
        assertThat(forwarding.status()).isSameAs(STALE);
        assertThat(forwarding.isStopped()).isFalse();
        forwarding.close();
        assertThat(forwarding.isStopped()).isTrue();
        assertThat(delegate.isStopped()).isTrue();
        assertThat(stops).hasValue(1);
    }

    @Test
    void overridesEveryAbstractAndDefaultMethodOfWatcherButClose() throws NoSuchMethodException {
        for (Method method : Watcher.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getName().equals("close")) {
                continue;
            }
            assertThat(ForwardingWatcher.class.getDeclaredMethod(method.getName(), method.getParameterTypes()))
                    .as("ForwardingWatcher forwards %s", method).isNotNull();
        }
    }

    @Test
    void aNullDelegateIsRefused() {
        assertThatThrownBy(() -> new ForwardingWatcher(null) {
        }).isInstanceOf(NullPointerException.class).hasMessageContaining("delegate");
    }
}
