package io.microregistry.tck;

import io.microregistry.Registry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Deregistering removes exactly the nodes named, and nothing else. */
public abstract class DeregisterContract extends Contract {

    protected DeregisterContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void deregisteringOneNodeKeepsTheOthers() {
        String name = uniqueName("dereg-one");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1"), node("n2", "127.0.0.1:2")));
        writer.register(service(name, "2", node("n3", "127.0.0.1:3")));
        await().until(() -> nodeIds(reader, name).size() == 3);

        writer.deregister(service(name, "1", node("n1", "127.0.0.1:1")));

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(
                service(name, "1", node("n2", "127.0.0.1:2")),
                service(name, "2", node("n3", "127.0.0.1:3"))));
    }

    @Test
    void deregisteringTheLastNodeRemovesTheService() {
        String name = uniqueName("dereg-last");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1")));
        await().until(() -> present(reader, name, "n1"));

        writer.deregister(service(name, "1", node("n1", "127.0.0.1:1")));

        await().untilAsserted(() -> {
            assertThat(reader.getService(name)).isEmpty();
            assertThat(reader.listServices()).noneMatch(s -> s.name().equals(name));
        });
    }

    @Test
    void deregisteringAnUnknownNodeIsNotAnError() {
        String name = uniqueName("dereg-unknown");
        Registry client = client();
        client.register(service(name, "1", node("n1", "127.0.0.1:1")));

        assertThatCode(() -> client.deregister(service(name, "1", node("ghost", "127.0.0.1:9"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> client.deregister(service(uniqueName("never"), "1", node("n1", "127.0.0.1:1"))))
                .doesNotThrowAnyException();
        await().untilAsserted(() -> assertThat(nodeIds(client, name)).containsExactly("n1"));
    }

    @Test
    void deregisteredNodeStaysGone() {
        String name = uniqueName("dereg-stays");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1")), io.microregistry.RegisterOptions.ttl(fixture().shortTtl()));
        await().until(() -> present(reader, name, "n1"));

        writer.deregister(service(name, "1", node("n1", "127.0.0.1:1")));

        // Keep-alive must stop with deregister: the node must not be written back.
        await(fixture().shortTtl().multipliedBy(3).plus(fixture().propagationBound()))
                .during(fixture().shortTtl().multipliedBy(3))
                .until(() -> !present(reader, name, "n1"));
    }
}
