package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.tck.ChildRegistrant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Measures the two numbers the issue asks for, and bounds them: how long a SIGKILLed
 * registrant stays visible, and how long registrations take to come back after the agent
 * restarts (a dev agent, which forgets everything).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulLivenessMeasurementTest {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulLivenessMeasurementTest.class);
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(50);

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
    }

    @Test
    void sigkilledRegistrantVanishesWithinItsTtl() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dmicro.registry=consul", "-Dmicro.registry.address=" + agent.httpAddress(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                ChildRegistrant.class.getName(), "killed-registrant", "child-1", Long.toString(TTL.toMillis()))
                .redirectErrorStream(true).start();
        try (Registry reader = client()) {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            List<String> seen = new ArrayList<>();
            while ((line = out.readLine()) != null && !line.equals(ChildRegistrant.READY)) {
                seen.add(line);
            }
            assertThat(line).as("child output: %s", seen).isEqualTo(ChildRegistrant.READY);
            // Several keep-alive rounds pass: the child keeps its node alive while it lives.
            await().during(TTL.multipliedBy(2)).atMost(TTL.multipliedBy(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> reader.getService("killed-registrant").size() == 1);

            long killed = System.nanoTime();
            child.destroyForcibly();
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(TTL.plusSeconds(5)).pollInterval(POLL)
                    .until(() -> reader.getService("killed-registrant").isEmpty());
            Duration gone = Duration.ofNanos(System.nanoTime() - killed);
            LOG.info("MEASURED: SIGKILLed registrant (TTL {} ms) vanished from getService after {} ms",
                    TTL.toMillis(), gone.toMillis());
            assertThat(gone).isLessThanOrEqualTo(TTL.plusSeconds(1));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void registrationsAndWatchesComeBackAfterTheAgentRestarts() throws Exception {
        int nodes = 50;
        Service template = Service.builder("restart-survivor").version("1").metadata("k", "v").build();
        try (Registry owner = client(); Registry reader = client();
             Watcher watcher = reader.watch(WatchOptions.service("restart-survivor"))) {
            for (int i = 0; i < nodes; i++) {
                owner.register(template.withNode(new Node("rs-" + i, "127.0.0.1:" + (1000 + i), java.util.Map.of())),
                        RegisterOptions.ttl(Duration.ofSeconds(5)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> nodeCount(reader) == nodes);
            drain(watcher);

            long restart = System.nanoTime();
            agent.restart();
            long up = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(POLL).until(() -> nodeCount(reader) == nodes);
            long back = System.nanoTime();
            LOG.info("MEASURED: agent restart took {} ms; all {} registrations back {} ms after the agent was up "
                            + "({} ms after the restart began)", (up - restart) / 1_000_000, nodes,
                    (back - up) / 1_000_000, (back - restart) / 1_000_000);

            // The open watcher still delivers: a node registered now is reported.
            Service late = template.withNode(new Node("rs-late", "127.0.0.1:999", java.util.Map.of()));
            owner.register(late);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            Optional<WatchEvent> event = Optional.empty();
            while (System.nanoTime() < deadline) {
                event = watcher.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (event.isPresent() && event.get().node().id().equals("rs-late")) {
                    break;
                }
            }
            assertThat(event).contains(WatchEvent.create(late));
        }
    }

    private static int nodeCount(Registry reader) {
        return reader.getService("restart-survivor").stream().mapToInt(s -> s.nodes().size()).sum();
    }

    private static void drain(Watcher watcher) throws InterruptedException {
        while (watcher.next(Duration.ofMillis(200)).isPresent()) {
            // discard the CREATEs of the setup
        }
    }
}
