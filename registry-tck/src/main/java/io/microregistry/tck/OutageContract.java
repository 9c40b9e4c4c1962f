package io.microregistry.tck;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What survives a fault, and what a watcher is told about it: whole records after a server
 * restart; deltas across a restart (a node that went away arrives as DELETE, a changed one as
 * UPDATE, an untouched one not at all); deltas across an abandoned client's expiry; and a
 * deregistered node that stays gone when the server restarts (a keeper that still holds it
 * must not write it back), nor when the client loses its lease or session.
 */
public abstract class OutageContract extends Contract {

    protected OutageContract(RegistryFixture fixture) {
        super(fixture);
    }

    private Duration recovery() {
        return fixture().recoveryBound();
    }

    @Test
    @TimeBudget(recoveries = 3)
    void wholeRecordsSurviveAServerRestart() {
        require(Capability.SERVER_RESTART);
        String name = uniqueName("outage-records");
        Registry writer = client();
        Service v1 = Records.service(name, "1", 1, Records.node("a", 1), Records.node("b", 2));
        Service v2 = Records.service(name, "2", 2, Records.node("c", 3));
        writer.register(v1);
        writer.register(v2);
        Registry reader = client();
        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactlyInAnyOrder(v1, v2));

        fixture().restartServer();

        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                assertThat(reader.getService(name)).as("after the restart").containsExactlyInAnyOrder(v1, v2));
        Registry fresh = client();
        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                assertThat(fresh.getService(name)).as("a fresh client after the restart").containsExactlyInAnyOrder(v1, v2));
    }

    @Test
    @TimeBudget(recoveries = 3)
    void watcherSeesDeltasAcrossARestart() throws InterruptedException {
        require(Capability.SERVER_RESTART);
        require(Capability.ABANDON_CLIENT);
        String name = uniqueName("outage-deltas");
        Registry keeper = client();
        Registry doomed = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        keeper.register(Records.single(name, "kept", 1));
        keeper.register(Records.single(name, "changed", 1));
        doomed.register(Records.single(name, "lost", 1), RegisterOptions.ttl(fixture().shortTtl()));
        List<String> created = new ArrayList<>();
        while (created.size() < 3) {
            created.add(nextEventOf(watcher, name).node().id());
        }
        assertThat(created).containsExactlyInAnyOrder("kept", "changed", "lost");

        fixture().abandon(doomed);
        fixture().restartServer();
        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                keeper.register(Records.single(name, "changed", 2)));

        boolean lostDeleted = false;
        boolean changedUpdated = false;
        Duration within = recovery().plus(fixture().shortTtl()).plus(fixture().propagationBound());
        while (!lostDeleted || !changedUpdated) {
            WatchEvent event = nextEvent(watcher, e -> e.service().name().equals(name), within);
            String id = event.node().id();
            assertThat(id).as("an event across the restart for a node that did not change: %s", event).isNotEqualTo("kept");
            if (id.equals("lost")) {
                assertThat(event).as("the abandoned node, gone across the restart").isEqualTo(
                        WatchEvent.delete(Records.single(name, "lost", 1)));
                lostDeleted = true;
            } else {
                assertThat(event).as("the node changed after the restart").isEqualTo(
                        WatchEvent.update(Records.single(name, "changed", 2)));
                changedUpdated = true;
            }
        }
        // Nothing more about "kept": a marker written now is the next event.
        keeper.register(Records.single(name, "marker", 1));
        assertThat(nextEvent(watcher, e -> e.service().name().equals(name), within))
                .isEqualTo(WatchEvent.create(Records.single(name, "marker", 1)));
    }

    @Test
    void watcherSeesAnAbandonedClientsNodesGoWhole() throws InterruptedException {
        require(Capability.ABANDON_CLIENT);
        String name = uniqueName("outage-expiry");
        Registry live = client();
        Registry doomed = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        live.register(Records.single(name, "live", 1), RegisterOptions.ttl(fixture().shortTtl()));
        Service dying = Records.service(name, "1", 2, Records.node("d1", 2), Records.node("d2", 3));
        doomed.register(dying, RegisterOptions.ttl(fixture().shortTtl()));
        List<String> created = new ArrayList<>();
        while (created.size() < 3) {
            created.add(nextEventOf(watcher, name).node().id());
        }

        fixture().abandon(doomed);

        Duration within = fixture().shortTtl().plus(fixture().propagationBound());
        List<WatchEvent> deletes = new ArrayList<>();
        while (deletes.size() < 2) {
            WatchEvent event = nextEvent(watcher, e -> e.service().name().equals(name), within);
            assertThat(event.node().id()).as("an event for the live client's node: %s", event).isNotEqualTo("live");
            deletes.add(event);
        }
        assertThat(deletes).containsExactlyInAnyOrder(
                WatchEvent.delete(dying.withNode(Records.node("d1", 2))),
                WatchEvent.delete(dying.withNode(Records.node("d2", 3))));
        live.register(Records.single(name, "live", 2), RegisterOptions.ttl(fixture().shortTtl()));
        assertThat(nextEventOf(watcher, name)).isEqualTo(WatchEvent.update(Records.single(name, "live", 2)));
    }

    @Test
    @TimeBudget(recoveries = 3)
    void deregisteredNodeStaysGoneAfterARestart() throws InterruptedException {
        require(Capability.SERVER_RESTART);
        String name = uniqueName("outage-deregistered");
        Registry writer = client();
        Registry reader = client();
        Watcher watcher = watch(client(), WatchOptions.service(name));
        writer.register(Records.single(name, "gone", 1));
        writer.register(Records.single(name, "stays", 1));
        await().until(() -> nodeIds(reader, name).size() == 2);
        writer.deregister(Records.single(name, "gone", 1));
        await().until(() -> !present(reader, name, "gone"));
        nextEvent(watcher, e -> e.type() == WatchEvent.Type.DELETE && e.node().id().equals("gone"));

        fixture().restartServer();

        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                writer.register(Records.single(name, "marker", 1)));
        Duration within = recovery().plus(fixture().propagationBound());
        WatchEvent event;
        do {
            event = nextEvent(watcher, e -> e.service().name().equals(name), within);
            assertThat(event.type() == WatchEvent.Type.DELETE || !event.node().id().equals("gone"))
                    .as("the deregistered node came back across the restart: %s", event).isTrue();
        } while (!event.node().id().equals("marker"));
        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).during(fixture().propagationBound())
                .untilAsserted(() -> assertThat(nodeIds(reader, name)).containsExactlyInAnyOrder("stays", "marker"));
    }

    @Test
    @TimeBudget(recoveries = 3)
    void deregisteredNodeStaysGoneAfterASessionLoss() {
        require(Capability.SESSION_LOSS);
        String name = uniqueName("outage-session");
        Registry writer = client();
        Registry reader = client();
        writer.register(Records.single(name, "gone", 1));
        writer.register(Records.single(name, "stays", 1));
        await().until(() -> nodeIds(reader, name).size() == 2);
        writer.deregister(Records.single(name, "gone", 1));
        await().until(() -> !present(reader, name, "gone"));

        fixture().loseSession(writer);

        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).untilAsserted(() ->
                assertThat(reader.getService(name)).as("after the session loss").containsExactly(Records.single(name, "stays", 1)));
        await(recovery()).ignoreExceptionsInstanceOf(RegistryException.class).during(fixture().propagationBound())
                .untilAsserted(() -> assertThat(nodeIds(reader, name)).as("the deregistered node stays gone")
                        .containsExactly("stays"));
    }
}
