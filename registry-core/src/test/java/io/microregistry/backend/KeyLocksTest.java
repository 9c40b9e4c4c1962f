package io.microregistry.backend;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeyLocksTest {

    @Test
    void anyNumberOfKeysShareABoundedSetOfMonitors() {
        KeyLocks locks = new KeyLocks();
        Set<Object> monitors = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 100_000; i++) {
            monitors.add(locks.of("node-" + i + "@svc"));
        }
        assertThat(monitors).hasSizeLessThanOrEqualTo(KeyLocks.STRIPES);
        assertThat(locks.of("n1")).isSameAs(locks.of(new String("n1")));
    }
}
