package io.microregistry.etcd;

import io.microregistry.Registry;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import io.microregistry.tck.ChildRegistrant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures how long the node of a SIGKILLed registrant (a child JVM) stays visible: from
 * the kill to the DELETE a watcher sees. Bound: the TTL plus two seconds for etcd's lease-expiry
 * granularity and scheduling slack. Logs {@code MEASURE} lines.
 */
class EtcdKilledRegistrantTest {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdKilledRegistrantTest.class);

    private static EtcdFixture fixture;

    @BeforeAll
    static void startEtcd() {
        fixture = new EtcdFixture();
    }

    @AfterAll
    static void stopEtcd() {
        fixture.close();
    }

    @ParameterizedTest(name = "TTL {0} ms")
    @ValueSource(longs = {2000, 2000, 5000})
    void killedRegistrantsNodeDisappearsWithinItsTtl(long ttlMillis) throws Exception {
        String name = "killed-" + UUID.randomUUID().toString().substring(0, 8);
        try (Registry observer = fixture.newClient()) {
            Watcher watcher = observer.watch(WatchOptions.service(name));
            Process child = startChild(name, ttlMillis);
            try {
                assertThat(watcher.next(Duration.ofSeconds(10))).map(WatchEvent::type)
                        .hasValue(WatchEvent.Type.CREATE);

                long killed = System.nanoTime();
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no revoke
                child.waitFor(10, TimeUnit.SECONDS);
                WatchEvent gone = watcher.next(Duration.ofMillis(ttlMillis + 5000)).orElseThrow();
                Duration took = Duration.ofNanos(System.nanoTime() - killed);

                LOG.info("MEASURE SIGKILLed registrant with TTL {} ms: DELETE seen {} ms after the kill", ttlMillis,
                        took.toMillis());
                assertThat(gone.type()).isEqualTo(WatchEvent.Type.DELETE);
                assertThat(took).isLessThan(Duration.ofMillis(ttlMillis + 2000));
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static Process startChild(String name, long ttlMillis) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        fixture.childProcessProperties().forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildRegistrant.class.getName(),
                name, "n1", Long.toString(ttlMillis)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains(ChildRegistrant.READY)) {
                return child;
            }
            seen.add(line);
        }
        child.destroyForcibly();
        throw new IllegalStateException("child registrant ended before registering: " + seen);
    }
}
