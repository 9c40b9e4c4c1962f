package io.microregistry.tck;

import io.microregistry.RegistryException;
import io.microregistry.Registry;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library owns liveness: after the backend server restarts (state kept or not), every
 * registration comes back and open watchers keep delivering, with no help from the caller.
 */
public abstract class RecoveryContract extends Contract {

    protected RecoveryContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    @TimeBudget(recoveries = 4)
    void registrationsAndWatchersSurviveAServerRestart() throws InterruptedException {
        require(Capability.SERVER_RESTART);
        String name = uniqueName("recovery");
        Registry writer = client();
        Registry reader = client();
        Watcher watcher = watch(reader, WatchOptions.service(name));
        writer.register(service(name, "1", node("n1", "127.0.0.1:1"), node("n2", "127.0.0.1:2")));
        writer.register(service(name, "2", node("n3", "127.0.0.1:3")));
        await().until(() -> nodeIds(reader, name).size() == 3);

        fixture().restartServer();

        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                assertThat(nodeIds(reader, name)).containsExactlyInAnyOrder("n1", "n2", "n3"));
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                writer.register(service(name, "1", node("after-restart", "127.0.0.1:4"))));
        WatchEvent created = nextEvent(watcher, e -> e.type() == WatchEvent.Type.CREATE
                && e.node().id().equals("after-restart"), fixture().recoveryBound());
        assertThat(created.service().name()).isEqualTo(name);
        // And a fresh client, with no history, sees the whole set.
        Registry fresh = client();
        await(fixture().recoveryBound()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                assertThat(nodeIds(fresh, name)).containsExactlyInAnyOrder("n1", "n2", "n3", "after-restart"));
    }
}
