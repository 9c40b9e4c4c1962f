package io.microregistry.consul;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdLocksTest {

    @Test
    void anyNumberOfIdsShareABoundedSetOfMonitors() {
        IdLocks locks = new IdLocks();
        Set<Object> monitors = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 100_000; i++) {
            monitors.add(locks.of("node-" + i + "@svc"));
        }
        assertThat(monitors).hasSizeLessThanOrEqualTo(IdLocks.STRIPES);
        assertThat(locks.of("n1")).isSameAs(locks.of(new String("n1")));
    }
}
