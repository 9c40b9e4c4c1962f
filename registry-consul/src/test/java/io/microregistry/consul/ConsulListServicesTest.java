package io.microregistry.consul;

import io.microregistry.Node;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11 on a real agent: {@code listServices()} reads the service names and then each
 * service, never the whole node dump in one answer, and still returns exactly the passing
 * records, whole, with go-micro's name mapping.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ConsulListServicesTest {
    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private static Registry client(String address) {
        return new ConsulRegistryProvider().open(RegistryConfig.of(address));
    }

    private static Service service(String name, String version, String... nodeIds) {
        Service.Builder builder = Service.builder(name).version(version).metadata("team", "paged");
        int port = 1;
        for (String nodeId : nodeIds) {
            builder.node(new Node(nodeId, "127.0.0.1:" + port++, Map.of("zone", "z" + port)));
        }
        return builder.build();
    }

    /** Registers an agent service with a TTL check that is critical, as a crashed foreign process leaves it. */
    private void registerCritical(String consulName, String id) {
        Consul raw = Consul.builder().withUrl("http://" + agent.httpAddress()).build();
        try {
            raw.agentClient().register(ImmutableRegistration.builder().id(id).name(consulName).address("127.0.0.9")
                    .port(9).check(ImmutableRegCheck.builder().ttl("60s").status("critical").build()).build());
        } finally {
            raw.destroy();
        }
    }

    private static List<Service> ours(List<Service> listed, String prefix) {
        return listed.stream().filter(s -> s.name().startsWith(prefix)).toList();
    }

    @Test
    void listsExactlyThePassingRecordsWholeWithGoMicroNames() {
        Service plain = service("list.go.micro.srv.greeter", "1.0", "list-g-1", "list-g-2");
        Service slashed = service("list.team/api", "2.0", "list-t-1");
        Service mapped = service("list.Grüße ü/x", "3.0", "list-Mapped-Node"); // encoded as ~hex on Consul
        Service halfDead = service("list.half-dead", "1", "list-h-1");
        try (Registry writer = client(agent.httpAddress()); Registry reader = client(agent.httpAddress())) {
            writer.register(plain);
            writer.register(slashed);
            writer.register(mapped);
            writer.register(halfDead);
            registerCritical("list.half-dead", "list-h-dead");
            registerCritical("list.all-dead", "list-a-dead");

            List<Service> listed = ours(reader.listServices(), "list.");

            assertThat(listed).containsExactlyInAnyOrder(plain, slashed, mapped, halfDead);
            assertThat(listed).flatExtracting(Service::nodes).extracting(Node::id)
                    .doesNotContain("list-h-dead", "list-a-dead");
            assertThat(reader.getService("list.Grüße ü/x")).containsExactly(mapped);
        }
    }

    @Test
    void noSingleAnswerCarriesTheWholeRegistry() throws Exception {
        List<Service> registered = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            registered.add(service("paged-" + i, "1", "paged-node-" + i));
        }
        try (RecordingHttpProxy proxy = new RecordingHttpProxy(agent.httpAddress());
             Registry writer = client(agent.httpAddress()); Registry reader = client(proxy.address())) {
            for (Service s : registered) {
                writer.register(s);
            }
            proxy.reset();

            assertThat(ours(reader.listServices(), "paged-")).containsExactlyInAnyOrderElementsOf(registered);

            List<RecordingHttpProxy.Exchange> exchanges = proxy.exchanges();
            assertThat(exchanges).extracting(RecordingHttpProxy.Exchange::pathAndQuery)
                    .noneMatch(path -> path.startsWith("/v1/internal/ui/nodes"))
                    .allMatch(path -> path.contains("consistent"));
            for (RecordingHttpProxy.Exchange exchange : exchanges) {
                long nodesCarried = registered.stream()
                        .filter(s -> exchange.body().contains("\"paged-node-" + s.name().substring("paged-".length()) + "\""))
                        .count();
                assertThat(nodesCarried).as("nodes in the answer to %s", exchange.pathAndQuery()).isLessThanOrEqualTo(1);
            }
            assertThat(exchanges).filteredOn(e -> e.pathAndQuery().startsWith("/v1/health/service/paged-"))
                    .hasSize(registered.size());
            assertThat(proxy.peakInFlight()).as("health reads in flight at once")
                    .isLessThanOrEqualTo(ConsulStore.LIST_CONCURRENCY);

            // The bound is per client, not per call: callers listing at once share it.
            proxy.reset();
            List<CompletableFuture<List<Service>>> callers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                callers.add(CompletableFuture.supplyAsync(reader::listServices));
            }
            for (CompletableFuture<List<Service>> caller : callers) {
                assertThat(ours(caller.get(30, TimeUnit.SECONDS), "paged-"))
                        .containsExactlyInAnyOrderElementsOf(registered);
            }
            assertThat(proxy.peakInFlight()).as("reads in flight at once, three callers")
                    .isLessThanOrEqualTo(ConsulStore.LIST_CONCURRENCY);
        }
    }

    @Test
    void oneServiceFailingFailsTheWholeListNamingIt() throws Exception {
        try (RecordingHttpProxy proxy = new RecordingHttpProxy(agent.httpAddress());
             Registry writer = client(agent.httpAddress()); Registry reader = client(proxy.address())) {
            writer.register(service("failing-ok", "1", "failing-ok-1"));
            writer.register(service("failing-bad", "1", "failing-bad-1"));
            proxy.failWhere(path -> path.equals("/v1/health/service/failing-bad"));

            assertThatThrownBy(reader::listServices).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("failing-bad").hasMessageContaining("list services")
                    .hasCauseInstanceOf(RuntimeException.class);
            assertThat(reader.getService("failing-ok")).hasSize(1);
        }
    }

    @Test
    void aServiceThatVanishesAfterTheNameListIsAbsentNotAnError() throws Exception {
        Service staying = service("vanish-staying", "1", "vanish-s-1");
        Service leaving = service("vanish-leaving", "1", "vanish-l-1");
        try (RecordingHttpProxy proxy = new RecordingHttpProxy(agent.httpAddress());
             Registry writer = client(agent.httpAddress()); Registry leaver = client(agent.httpAddress());
             Registry reader = client(proxy.address())) {
            writer.register(staying);
            leaver.register(leaving);
            // Deregistered after the agent answered the name list, before the client reads that service.
            proxy.beforeAnswering(path -> path.equals("/v1/catalog/services"), () -> leaver.deregister(leaving));

            List<Service> listed = ours(reader.listServices(), "vanish-");

            assertThat(listed).containsExactly(staying);
            assertThat(proxy.exchanges()).extracting(RecordingHttpProxy.Exchange::pathAndQuery)
                    .anyMatch(path -> path.startsWith("/v1/health/service/vanish-leaving"));
        }
    }

    @Test
    void anUnreachableAgentIsRegistryTroubleNotAnHttpStackTrace() {
        try (Registry reader = client("127.0.0.1:1")) {
            assertThatThrownBy(reader::listServices).isInstanceOf(RegistryException.class)
                    .isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("list services")
                    .hasCauseInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void namesTheAgentWouldCleanAsAPathAreNotReadPerService() {
        assertThat(ConsulStore.readablePerService("go.micro.srv.greeter")).isTrue();
        assertThat(ConsulStore.readablePerService("team/api")).isTrue();
        assertThat(ConsulStore.readablePerService("with space?")).isTrue();
        for (String cleaned : List.of("", ".", "..", "a/../b", "a//b", "/a", "a/", "./a")) {
            assertThat(ConsulStore.readablePerService(cleaned)).as(cleaned).isFalse();
        }
    }
}
