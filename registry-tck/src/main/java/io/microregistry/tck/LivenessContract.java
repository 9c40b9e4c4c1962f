package io.microregistry.tck;

import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node lives exactly as long as its registrant: kept alive for as long as the client is
 * open, gone within its TTL (plus the propagation bound) once the registrant is gone.
 */
public abstract class LivenessContract extends Contract {

    protected LivenessContract(RegistryFixture fixture) {
        super(fixture);
    }

    private Duration ttl() {
        return fixture().shortTtl();
    }

    private Duration goneWithin() {
        return ttl().plus(fixture().propagationBound());
    }

    @Test
    @TimeBudget(propagations = 6, ttls = 8)
    void nodeOutlivesThreeTtlsWhileItsClientLives() {
        String name = uniqueName("alive");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1")), RegisterOptions.ttl(ttl()));

        await(ttl().multipliedBy(3).plus(fixture().propagationBound()))
                .during(ttl().multipliedBy(3))
                .until(() -> present(reader, name, "n1"));
    }

    @Test
    void abandonedClientsNodeIsGoneWithinTtl() {
        require(Capability.ABANDON_CLIENT);
        String name = uniqueName("abandoned");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1")), RegisterOptions.ttl(ttl()));
        await().until(() -> present(reader, name, "n1"));

        fixture().abandon(writer);

        await(goneWithin()).until(() -> !present(reader, name, "n1"));
    }

    @Test
    @TimeBudget(propagations = 6, ttls = 4, extraSeconds = 100)
    void killedProcessesNodeIsGoneWithinTtl() throws IOException, InterruptedException {
        require(Capability.KILL_PROCESS);
        String name = uniqueName("killed");
        Registry reader = client();
        Path output = Files.createTempFile("tck-child-", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (Map.Entry<String, String> property : fixture().childProcessProperties().entrySet()) {
            command.add("-D" + property.getKey() + "=" + property.getValue());
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildRegistrant.class.getName(),
                name, "child-node", Long.toString(ttl().toMillis())));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            // The child says it registered only after register() returned: wait for that, not for
            // visibility, which can come first.
            await(Duration.ofSeconds(60))
                    .until(() -> read(output.toFile()).contains(ChildRegistrant.READY) || !child.isAlive());
            assertThat(child.isAlive()).as("child JVM exited early; its output:\n%s", read(output.toFile())).isTrue();
            await().until(() -> present(reader, name, "child-node"));

            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no deregistration
            assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            await(goneWithin()).until(() -> !present(reader, name, "child-node"));
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    private static String read(File file) throws IOException {
        return Files.readString(file.toPath());
    }
}
