package io.microregistry.consul;

import io.microregistry.Endpoint;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.Service;
import io.microregistry.Value;
import io.microregistry.WatchEvent;
import io.microregistry.WatchOptions;
import io.microregistry.Watcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.agent.FullService;
import org.kiwiproject.consul.option.QueryOptions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulRegistryTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ConsulAgent agent = ConsulAgent.start();

    @AfterAll
    void stopAgent() {
        agent.close();
    }

    private Registry client() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
    }

    private FullService agentService(String id) throws Exception {
        Consul raw = Consul.builder().withUrl("http://" + agent.httpAddress()).build();
        try {
            return raw.agentClient().getService(id, QueryOptions.BLANK).getResponse();
        } finally {
            raw.destroy();
        }
    }

    @Test
    void javaRegisteredTagsDecodeBackToMetadataEndpointsAndVersion() throws Exception {
        Endpoint endpoint = new Endpoint("Greeter.Hello", new Value("Request", "Request",
                List.of(Value.of("name", "string"))), Value.of("Response", "Response"), Map.of("stream", "false"));
        Service service = Service.builder("interop.greeter").version("2.1.0").metadata("owner", "team-a")
                .endpoint(endpoint)
                .node(new Node("interop-1", "10.1.2.3:4567", Map.of("zone", "z1", "dotted.key", "d")))
                .build();
        try (Registry registry = client()) {
            registry.register(service);

            FullService raw = agentService("interop-1");
            assertThat(raw.getService()).isEqualTo("interop.greeter");
            assertThat(raw.getAddress()).isEqualTo("10.1.2.3");
            assertThat(raw.getPort()).isEqualTo(4567);
            assertThat(raw.getMeta()).isEqualTo(Map.of("zone", "z1"));
            GoMicroTags.Decoded decoded = GoMicroTags.decode(raw.getTags(), "raw");
            assertThat(decoded.nodeMetadata()).isEqualTo(Map.of("zone", "z1", "dotted.key", "d"));
            assertThat(decoded.endpoints()).containsExactly(endpoint);
            assertThat(decoded.version()).isEqualTo("2.1.0");

            assertThat(registry.getService("interop.greeter")).containsExactly(service);
        }
    }

    @Test
    void twoKilobyteMetadataValueRoundTripsThroughTags() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("big", "0123456789abcdef".repeat(128));
        metadata.put("consul-reserved", "r");
        for (int i = 0; i < 100; i++) {
            metadata.put("key" + i, "value" + i);
        }
        Service service = Service.builder("big-meta").version("1").node(new Node("big-1", "127.0.0.1:1", metadata))
                .build();
        try (Registry registry = client()) {
            registry.register(service);

            List<Service> found = registry.getService("big-meta");
            assertThat(found).containsExactly(service);
            assertThat(found.get(0).nodes().get(0).metadata().get("big")).hasSize(2048);
        }
    }

    @Test
    void namesAreComparedExactlyThoughConsulIgnoresCase() {
        try (Registry registry = client()) {
            registry.register(Service.builder("Case").node("case-upper", "127.0.0.1:1").build());
            registry.register(Service.builder("case").node("case-lower", "127.0.0.1:2").build());

            assertThat(registry.getService("Case")).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("case-upper"));
            assertThat(registry.getService("case")).singleElement()
                    .satisfies(s -> assertThat(s.nodes()).extracting(Node::id).containsExactly("case-lower"));
            assertThat(registry.getService("CASE")).isEmpty();
        }
    }

    @Test
    void watchReportsCreateUpdateDeleteAndStaysQuietOnIdenticalReRegistration() throws Exception {
        Service v1 = Service.builder("watched").version("1").node("w-1", "127.0.0.1:1").build();
        Service v1b = Service.builder("watched").version("1").node(new Node("w-1", "127.0.0.1:1",
                Map.of("k", "v"))).build();
        try (Registry registry = client(); Watcher watcher = registry.watch(WatchOptions.service("watched"))) {
            registry.register(v1);
            assertThat(next(watcher)).isEqualTo(WatchEvent.create(v1));

            registry.register(v1);
            assertThat(watcher.next(Duration.ofSeconds(2))).as("identical re-registration").isEmpty();

            registry.register(v1b);
            assertThat(next(watcher)).isEqualTo(WatchEvent.update(v1b));

            registry.deregister(v1b);
            assertThat(next(watcher)).isEqualTo(WatchEvent.delete(v1b));
        }
    }

    @Test
    void watchAllFollowsServicesThatAppearAfterTheWatchStarted() throws Exception {
        try (Registry registry = client(); Watcher watcher = registry.watch()) {
            Service fresh = Service.builder("appears-later").version("3").node("late-1", "127.0.0.1:3").build();
            registry.register(fresh);
            assertThat(nextAbout(watcher, "appears-later")).isEqualTo(WatchEvent.create(fresh));

            registry.deregister(fresh);
            assertThat(nextAbout(watcher, "appears-later")).isEqualTo(WatchEvent.delete(fresh));

            registry.register(fresh);
            assertThat(nextAbout(watcher, "appears-later")).isEqualTo(WatchEvent.create(fresh));
        }
    }

    @Test
    void abandonedNodeDisappearsWithinItsTtlAndCloseLeavesIt() {
        Registry owner = client();
        Service service = Service.builder("abandoned").node("ab-1", "127.0.0.1:1").build();
        owner.register(service, RegisterOptions.ttl(Duration.ofSeconds(2)));
        try (Registry reader = client()) {
            assertThat(reader.getService("abandoned")).hasSize(1);
            ((io.microregistry.backend.StoreRegistry) owner).abandon();
            owner.close();
            // close after abandon must not remove it early: Consul still has the agent service.
            assertThat(reader.listServices()).extracting(Service::name).contains("abandoned");
            await().atMost(Duration.ofSeconds(2).plus(BOUND)).pollInterval(Duration.ofMillis(100))
                    .until(() -> reader.getService("abandoned").isEmpty());
        }
    }

    @Test
    void closeDeregistersAndLaterCallsFail() {
        Registry owner = client();
        owner.register(Service.builder("closing").node("cl-1", "127.0.0.1:1").build());
        owner.close();
        owner.close();
        try (Registry reader = client()) {
            assertThat(reader.getService("closing")).isEmpty();
        }
        assertThatThrownBy(() -> owner.getService("closing")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void registerRacingCloseEitherLandsBeforeCloseOrIsTakenBackWithIllegalState() throws Exception {
        for (int round = 0; round < 8; round++) {
            String name = "racing-" + round;
            Registry owner = client();
            AtomicInteger registered = new AtomicInteger();
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            Thread registrant = new Thread(() -> {
                try {
                    for (int i = 0; ; i++) {
                        owner.register(Service.builder(name).node("race-" + i, "127.0.0.1:1").build());
                        registered.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            });
            registrant.start();
            int before = 3 + round;
            await().atMost(BOUND).until(() -> registered.get() >= before);
            owner.close();
            registrant.join(BOUND.toMillis());
            assertThat(registrant.isAlive()).isFalse();

            assertThat(failure.get()).as("round " + round).isInstanceOf(IllegalStateException.class);
            assertThat(agentServicesNamed(name)).as("round %d: nodes left on the agent after close", round)
                    .isEmpty();
        }
    }

    @Test
    void closeWithAHungAgentWaitsOutOneTimeoutNotOnePerNode() throws Exception {
        try (FreezableProxy proxy = new FreezableProxy(agent.httpAddress())) {
            Registry owner = new ConsulRegistryProvider().open(RegistryConfig.of(proxy.address())
                    .withTimeout(Duration.ofSeconds(1)));
            for (int i = 0; i < 8; i++) {
                owner.register(Service.builder("hung-close").node("hung-" + i, "127.0.0.1:1").build(),
                        RegisterOptions.ttl(Duration.ofSeconds(3)));
            }
            proxy.freeze();
            long start = System.nanoTime();
            owner.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // One deregistration times out (1 s), then the keeper and client threads get at most 2 s each.
            assertThat(took).isLessThan(Duration.ofSeconds(6));
            assertThatThrownBy(() -> owner.getService("hung-close")).isInstanceOf(IllegalStateException.class);
        }
        try (Registry reader = client()) {
            await().atMost(Duration.ofSeconds(3).plus(BOUND)).pollInterval(Duration.ofMillis(200))
                    .until(() -> reader.getService("hung-close").isEmpty());
        }
    }

    private List<String> agentServicesNamed(String name) {
        Consul raw = Consul.builder().withUrl("http://" + agent.httpAddress()).build();
        try {
            return raw.agentClient().getServices().values().stream()
                    .filter(s -> s.getService().equals(name)).map(s -> s.getId()).toList();
        } finally {
            raw.destroy();
        }
    }

    @Test
    void unreachableAgentIsUnavailableFast() {
        try (Registry registry = new ConsulRegistryProvider().open(RegistryConfig.of("127.0.0.1:1")
                .withTimeout(Duration.ofSeconds(2)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> registry.getService("x")).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1").hasCauseInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> registry.register(Service.builder("x").node("x-1", "h:1").build()))
                    .isInstanceOf(RegistryUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void badAddressIsIllegalArgument() {
        assertThatThrownBy(() -> new ConsulRegistryProvider().open(RegistryConfig.of("ftp://x:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
    }

    @Test
    void aNamespaceIsRefusedAtOpenSinceTheCatalogHasNoKeyRoot() {
        assertThatThrownBy(() -> new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress())
                .withNamespace("/team-a/registry"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace").hasMessageContaining("/team-a/registry");
    }

    private static WatchEvent next(Watcher watcher) throws InterruptedException {
        Optional<WatchEvent> event = watcher.next(BOUND);
        assertThat(event).as("an event within " + BOUND).isPresent();
        return event.get();
    }

    private static WatchEvent nextAbout(Watcher watcher, String name) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<WatchEvent> event = watcher.next(Duration.ofNanos(deadline - System.nanoTime()));
            if (event.isPresent() && event.get().service().name().equals(name)) {
                return event.get();
            }
        }
        throw new AssertionError("no event about " + name + " within " + BOUND);
    }
}
