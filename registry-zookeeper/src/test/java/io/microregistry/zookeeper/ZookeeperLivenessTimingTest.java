package io.microregistry.zookeeper;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.tck.ChildRegistrant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long a dead registrant's node lingers, measured from the moment of death to the DELETE
 * a watcher in another client receives: a SIGKILLed child JVM, and an abandoned client. The
 * node must outlive neither its TTL by more than the propagation bound, nor vanish at once
 * (which would mean the session was closed, not left to expire).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZookeeperLivenessTimingTest {
    private static final Logger LOG = LoggerFactory.getLogger(ZookeeperLivenessTimingTest.class);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int RUNS = 3;

    private ZookeeperFixture fixture;
    private Registry reader;

    @BeforeAll
    void start() {
        fixture = new ZookeeperFixture();
        reader = fixture.newClient();
    }

    @AfterAll
    void stop() {
        reader.close();
        fixture.close();
    }

    @Test
    void sigkilledRegistrantVanishesWithinItsTtl() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String name = "killed-" + UUID.randomUUID();
            Watcher watcher = reader.watch(WatchOptions.service(name));
            Path output = Files.createTempFile("zk-child-", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (Map.Entry<String, String> p : fixture.providerProperties().entrySet()) {
                command.add("-D" + p.getKey() + "=" + p.getValue());
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildRegistrant.class.getName(),
                    name, "child", Long.toString(TTL.toMillis())));
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                WatchEvent created = watcher.next(Duration.ofSeconds(60)).orElseThrow();
                assertThat(created.type()).isEqualTo(WatchEvent.Type.CREATE);
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(output).contains(ChildRegistrant.READY));

                child.destroyForcibly();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
                long killed = System.nanoTime();

                WatchEvent deleted = watcher.next(TTL.plus(fixture.propagationBound())).orElseThrow(
                        () -> new AssertionError("killed registrant's node still there after TTL + bound"));
                long gone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
                millis.add(gone);
            } finally {
                child.destroyForcibly();
                watcher.stop();
                Files.deleteIfExists(output);
            }
        }
        LOG.info("MEASURED SIGKILLed registrant (TTL {} ms) gone after {} ms", TTL.toMillis(), millis);
        // Not at once: the server expires the session, nobody closes it (a live ping is at most TTL/3 old).
        assertThat(millis).allSatisfy(ms -> assertThat(ms).isBetween(TTL.toMillis() / 2,
                TTL.plus(fixture.propagationBound()).toMillis()));
    }

    @Test
    void abandonedClientsNodeVanishesWithinItsTtl() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String name = "abandoned-" + UUID.randomUUID();
            Watcher watcher = reader.watch(WatchOptions.service(name));
            Registry writer = fixture.newClient();
            try {
                writer.register(Service.builder(name).version("1").node("n1", "127.0.0.1:1").build(),
                        RegisterOptions.ttl(TTL));
                assertThat(watcher.next(fixture.propagationBound()).orElseThrow().type()).isEqualTo(WatchEvent.Type.CREATE);

                long abandoned = System.nanoTime();
                fixture.abandon(writer);
                writer.close(); // what the TCK does: must not remove the node early

                WatchEvent deleted = watcher.next(TTL.plus(fixture.propagationBound())).orElseThrow(
                        () -> new AssertionError("abandoned client's node still there after TTL + bound"));
                long gone = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - abandoned);
                assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
                millis.add(gone);
            } finally {
                writer.close();
                watcher.stop();
            }
        }
        LOG.info("MEASURED abandoned client (TTL {} ms) node gone after {} ms", TTL.toMillis(), millis);
        assertThat(millis).allSatisfy(ms -> assertThat(ms).isBetween(TTL.toMillis() / 2,
                TTL.plus(fixture.propagationBound()).toMillis()));
    }
}
