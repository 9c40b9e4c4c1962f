package io.microregistry.grpc;

import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.microregistry.Endpoint;
import io.microregistry.Service;
import io.microregistry.memory.MemoryRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Weighted balancing and server registration, on the memory backend with real gRPC servers. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeightAndRegistrationTest {
    private final MemoryRegistry registry = MemoryRegistry.standalone();
    private final List<Greeter> greeters = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        greeters.forEach(Greeter::close);
        registry.close();
    }

    private Greeter serve(String name, Map<String, String> metadata) {
        Greeter greeter = Greeter.start(name);
        greeters.add(greeter);
        ServerRegistration.Options.Builder options = ServerRegistration.options("greeter").nodeId(name);
        metadata.forEach(options::metadata);
        ServerRegistration.register(registry, greeter.server, options.build());
        return greeter;
    }

    private ManagedChannel channel() {
        ManagedChannel channel = NettyChannelBuilder.forTarget("micro:///greeter")
                .setNameResolverArg(MicroNameResolverProvider.REGISTRY, registry).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static Map<String, Integer> spread(ManagedChannel channel, int calls) {
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < calls; i++) {
            served.merge(Greeter.call(channel), 1, Integer::sum);
        }
        return served;
    }

    @Test
    void grpcFindsTheResolverAndThePolicyByServiceLoader() {
        assertThat(NameResolverRegistry.getDefaultRegistry().getProviderForScheme("micro"))
                .isInstanceOf(MicroNameResolverProvider.class);
        assertThat(LoadBalancerRegistry.getDefaultRegistry().getProvider(WeightedRoundRobinProvider.POLICY))
                .isInstanceOf(WeightedRoundRobinProvider.class);
        // Targets without a scheme (host:port) must still go to DNS, not to us.
        assertThat(NameResolverRegistry.getDefaultRegistry().asFactory().getDefaultScheme()).isEqualTo("dns");
    }

    @Test
    void nodeWeightsSplitCallsInProportion() {
        serve("light-1", Map.of("weight", "1"));
        serve("light-2", Map.of());
        serve("heavy", Map.of("weight", "3"));
        ManagedChannel channel = channel();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(spread(channel, 20).keySet())
                .containsExactlyInAnyOrder("light-1", "light-2", "heavy"));
        Map<String, Integer> counts = spread(channel, 100);
        assertThat(counts.get("heavy")).isBetween(58, 62);
        assertThat(counts.get("light-1")).isBetween(18, 22);
        assertThat(counts.get("light-2")).isBetween(18, 22);
    }

    @Test
    void withoutWeightsCallsAreSplitEvenly() {
        serve("a", Map.of());
        serve("b", Map.of());
        ManagedChannel channel = channel();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(spread(channel, 20).keySet())
                .containsExactlyInAnyOrder("a", "b"));
        Map<String, Integer> counts = spread(channel, 100);
        assertThat(counts.get("a")).isBetween(45, 55);
    }

    @Test
    void registersBoundAddressAndMethodsAndDeregistersWhenTheServerShutsDown() {
        Greeter greeter = Greeter.start("solo");
        greeters.add(greeter);
        ServerRegistration registration = ServerRegistration.register(registry, greeter.server,
                ServerRegistration.options("greeter").version("1.2.3").nodeId("solo").metadata("zone", "eu-1").build());

        List<Service> found = registry.getService("greeter");
        assertThat(found).hasSize(1);
        Service service = found.get(0);
        assertThat(service.version()).isEqualTo("1.2.3");
        assertThat(service.endpoints()).extracting(Endpoint::name).containsExactly("helloworld.Greeter/SayHello");
        assertThat(service.nodes()).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo("solo");
            assertThat(node.address()).isEqualTo("127.0.0.1:" + greeter.server.getPort());
            assertThat(node.metadata()).containsEntry("zone", "eu-1");
        });
        assertThat(registration.service()).isEqualTo(service);

        greeter.server.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.getService("greeter").isEmpty());
    }

    @Test
    void aWildcardBoundServerIsRegisteredUnderARealAddressAndAnUnstartedOneIsRefused() {
        String host = ServerRegistration.host(new InetSocketAddress(50051));
        assertThat(host).isNotEmpty().isNotEqualTo("0.0.0.0").isNotEqualTo("0:0:0:0:0:0:0:0");

        io.grpc.Server unstarted = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forPort(0).build();
        assertThatThrownBy(() -> ServerRegistration.register(registry, unstarted,
                ServerRegistration.options("greeter").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("started");
        assertThat(registry.getService("greeter")).isEmpty();
    }
}
