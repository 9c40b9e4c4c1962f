package io.microregistry.backend;

import io.microregistry.WatchStatus;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.Timeout(30)
class SubscriptionStateTest {

    private final AtomicInteger released = new AtomicInteger();
    private final SubscriptionState state = new SubscriptionState(WatchStatus.current(),
            LoggerFactory.getLogger(SubscriptionStateTest.class), "test listener", released::incrementAndGet);

    @Test
    void aListenerThatThrowsDoesNotEndTheCallsAfterIt() {
        List<Integer> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            state.call(() -> {
                calls.add(n);
                throw new IllegalStateException("listener bug " + n);
            });
        }
        state.call(() -> calls.add(3));

        assertThat(calls).containsExactly(0, 1, 2, 3);
    }

    @Test
    void theUsersCloseReleasesOnceAndKeepsTheLatestStatus() {
        WatchStatus stale = WatchStatus.of(WatchStatus.State.STALE, new io.microregistry.RegistryException("gone"));
        state.status(stale);

        assertThat(state.isClosed()).isFalse();
        state.close();
        state.close();

        assertThat(released).hasValue(1);
        assertThat(state.isClosed()).isTrue();
        assertThat(state.isClosedByUser()).isTrue();
        assertThat(state.end()).isFalse();
        assertThat(state.status()).isSameAs(stale);
    }

    @Test
    void anEndByTheOwnerReleasesNothingButTheUsersCloseStillSilences() {
        assertThat(state.end()).isTrue();
        assertThat(state.end()).isFalse();
        assertThat(state.isClosed()).isTrue();
        assertThat(state.isClosedByUser()).isFalse();

        state.close();

        assertThat(state.isClosedByUser()).isTrue();
        assertThat(released).hasValue(0);
    }
}
