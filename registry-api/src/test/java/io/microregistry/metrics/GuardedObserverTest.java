package io.microregistry.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class GuardedObserverTest {

    @Test
    void aThrowingObserverIsCalledEveryTimeAndLoggedOnce() {
        AtomicInteger calls = new AtomicInteger();
        RegistryObserver broken = new RegistryObserver() {
            @Override
            public void selected(String service) {
                calls.incrementAndGet();
                throw new IllegalStateException("broken on purpose");
            }

            @Override
            public void ejected(String service, String nodeId, Duration period) {
                calls.incrementAndGet();
                throw new UnsupportedOperationException("broken on purpose too");
            }

            @Override
            public String toString() {
                return "BrokenObserver";
            }
        };
        RegistryObserver guarded = RegistryObserver.guarded(broken);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 100; i++) {
                guarded.selected("greeter");
                guarded.ejected("greeter", "a", Duration.ofSeconds(1));
                guarded.watchResync(Optional.empty(), true);   // not overridden: the no-op default
            }
        } finally {
            System.setErr(err);
        }
        assertThat(calls).hasValue(200);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.split("registry observer BrokenObserver threw", -1)).as(log).hasSize(2);
        assertThat(log).contains("threw on selected").contains("broken on purpose");
    }

    @Test
    void severalObserversAreEachCalledAndEachGuarded() {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        RegistryObserver throwing = new RegistryObserver() {
            @Override
            public void selected(String service) {
                first.incrementAndGet();
                throw new IllegalStateException("first observer broken on purpose");
            }
        };
        RegistryObserver counting = new RegistryObserver() {
            @Override
            public void selected(String service) {
                second.incrementAndGet();
            }
        };
        RegistryObserver both = new FanOut(new RegistryObserver[] {
                RegistryObserver.guarded(throwing), RegistryObserver.guarded(counting)});
        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            both.selected("greeter");
            both.selected("greeter");
        } finally {
            System.setErr(err);
        }
        assertThat(first).hasValue(2);
        assertThat(second).hasValue(2);
        assertThat(RegistryObserver.guarded(both)).isSameAs(both);
    }
}
