package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.Service;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Registering makes nodes visible to every client, in place, grouped by version. */
public abstract class RegisterContract extends Contract {

    protected RegisterContract(RegistryFixture fixture) {
        super(fixture);
    }

    @Test
    void registeredNodeIsVisibleToAnotherClient() {
        String name = uniqueName("register");
        Registry writer = client();
        Registry reader = client();
        Service service = service(name, "1.0.0", node("n1", "127.0.0.1:8080", Map.of("zone", "a")));

        writer.register(service);

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(service));
    }

    @Test
    void registeredNodeIsVisibleToItsOwnClientOnReturn() {
        String name = uniqueName("durable");
        Registry writer = client();
        Service service = service(name, "1", node("n1", "127.0.0.1:1"));

        writer.register(service);

        await().untilAsserted(() -> assertThat(writer.getService(name)).containsExactly(service));
    }

    @Test
    void reRegisteringUpdatesInPlace() {
        String name = uniqueName("in-place");
        Registry writer = client();
        Registry reader = client();
        writer.register(service(name, "1", node("n1", "127.0.0.1:1", Map.of("gen", "1"))));
        await().until(() -> present(reader, name, "n1"));

        Service second = service(name, "1", node("n1", "127.0.0.1:2", Map.of("gen", "2")));
        writer.register(second);

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(second));
    }

    @Test
    void severalNodesAndVersionsGroupByVersion() {
        String name = uniqueName("versions");
        Registry writer = client();
        Registry reader = client();
        Node a = node("a", "127.0.0.1:1");
        Node b = node("b", "127.0.0.1:2");
        Node c = node("c", "127.0.0.1:3");
        writer.register(service(name, "2.0", c));
        writer.register(service(name, "1.0", b, a));

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(
                service(name, "1.0", a, b),
                service(name, "2.0", c)));
    }

    @Test
    void nodesFromSeveralClientsMerge() {
        String name = uniqueName("merge");
        Registry first = client();
        Registry second = client();
        Registry reader = client();
        first.register(service(name, "1", node("n1", "127.0.0.1:1")));
        second.register(service(name, "1", node("n2", "127.0.0.1:2")));

        await().untilAsserted(() -> assertThat(reader.getService(name)).containsExactly(
                service(name, "1", node("n1", "127.0.0.1:1"), node("n2", "127.0.0.1:2"))));
    }

    @Test
    void listServicesShowsEveryNameAndVersionWithItsNodes() {
        String one = uniqueName("list-a");
        String two = uniqueName("list-b");
        Registry writer = client();
        Registry reader = client();
        Service a1 = service(one, "1", node("n1", "127.0.0.1:1"));
        Service a2 = service(one, "2", node("n2", "127.0.0.1:2"));
        Service b1 = service(two, "1", node("n3", "127.0.0.1:3"), node("n4", "127.0.0.1:4"));
        writer.register(a1);
        writer.register(a2);
        writer.register(b1);

        await().untilAsserted(() -> {
            List<Service> ours = reader.listServices().stream()
                    .filter(s -> s.name().equals(one) || s.name().equals(two)).toList();
            assertThat(ours).containsExactly(a1, a2, b1);
        });
    }
}
