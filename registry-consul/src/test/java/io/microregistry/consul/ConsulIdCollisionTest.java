package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.option.QueryOptions;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consul service IDs are unique per agent, node ids only per service: a node id already held
 * on the agent by another client's service must not be overwritten, and a node keeps the
 * (qualified) ID it has. The TCK registers clashing node ids from one client only, which this
 * backend answers from what it keeps itself; here the clash comes from other clients, so the
 * agent lookup decides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulIdCollisionTest {

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
    }

    /** Consul ID -> service name of every agent service. */
    private Map<String, String> agentIds() {
        Consul raw = Consul.builder().withUrl("http://" + agent.httpAddress()).build();
        try {
            Map<String, String> ids = new TreeMap<>();
            raw.agentClient().getServices(QueryOptions.BLANK).forEach((id, s) -> ids.put(id, s.getService()));
            return ids;
        } finally {
            raw.destroy();
        }
    }

    private static Service service(String name, String address) {
        return Service.builder(name).version("1").node(new Node("clash-1", address, Map.of())).build();
    }

    private static List<String> addresses(Registry reader, String name) {
        return reader.getService(name).stream().flatMap(s -> s.nodes().stream()).map(Node::address).toList();
    }

    @Test
    void anotherClientsNodeIdIsNeitherOverwrittenNorDuplicated() {
        Service a = service("clash-a", "127.0.0.1:1");
        Service b = service("clash-b", "127.0.0.1:2");
        try (Registry first = client(); Registry reader = client()) {
            first.register(a);
            try (Registry second = client()) {
                second.register(b);

                assertThat(agentIds()).containsEntry("clash-1", "clash-a").containsEntry(ServiceRecords.qualifiedId("clash-b", "clash-1"), "clash-b");
                assertThat(reader.getService("clash-a")).containsExactly(a);
                assertThat(reader.getService("clash-b")).containsExactly(b);

                // The plain ID is free again, but node clash-1 of clash-b already has its qualified ID:
                // a third client registering that same node must take it over, not add a second record.
                first.deregister(a);
                try (Registry third = client()) {
                    Service moved = service("clash-b", "127.0.0.1:3");
                    third.register(moved);
                    assertThat(agentIds()).doesNotContainKey("clash-1").containsEntry(ServiceRecords.qualifiedId("clash-b", "clash-1"), "clash-b");
                    assertThat(addresses(reader, "clash-b")).containsExactly("127.0.0.1:3");
                }
            }
        }
    }

    @Test
    void aNodeRegisteredByAnEarlierClientKeepsItsPlainId() {
        Service c = service("clash-c", "127.0.0.1:4");
        try (Registry reader = client(); Registry earlier = client()) {
            earlier.register(c);
            try (Registry later = client()) {
                Service again = service("clash-c", "127.0.0.1:5");
                later.register(again);
                assertThat(agentIds()).containsEntry("clash-1", "clash-c").doesNotContainKey(ServiceRecords.qualifiedId("clash-c", "clash-1"));
                assertThat(addresses(reader, "clash-c")).containsExactly("127.0.0.1:5");
                later.deregister(again);
            }
            assertThat(reader.getService("clash-c")).isEmpty();
        }
    }
}
