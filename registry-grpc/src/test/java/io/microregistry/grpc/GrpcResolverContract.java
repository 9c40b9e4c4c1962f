package io.microregistry.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.microregistry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The micro:/// resolver against one backend: real gRPC servers on loopback register through
 * one client, a channel resolves through another.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class GrpcResolverContract {

    private BackendUnderTest backend;
    private Registry registrants;
    private Registry resolving;
    private final List<Greeter> greeters = new ArrayList<>();
    private final List<ServerRegistration> registrations = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    protected abstract BackendUnderTest backend();

    @BeforeEach
    void open() {
        backend = backend();
        registrants = backend.client();
        resolving = backend.client();
    }

    @AfterEach
    void closeAll() {
        channels.forEach(ManagedChannel::shutdownNow);
        registrations.forEach(ServerRegistration::close);
        greeters.forEach(Greeter::close);
        registrants.close();
        resolving.close();
        backend.close();
    }

    private Duration bound() {
        return backend.propagation().plusSeconds(10);
    }

    private Greeter serve(String name, String version, Map<String, String> metadata) {
        Greeter greeter = Greeter.start(name);
        greeters.add(greeter);
        ServerRegistration.Options.Builder options = ServerRegistration.options("greeter").nodeId(name)
                .version(version).ttl(Duration.ofSeconds(5));
        metadata.forEach(options::metadata);
        registrations.add(ServerRegistration.register(registrants, greeter.server, options.build()));
        return greeter;
    }

    private ManagedChannel channel(String target) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                .setNameResolverArg(MicroNameResolverProvider.REGISTRY, resolving)
                .usePlaintext()
                .build();
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
    void spreadsOverEveryServerFollowsStopsAndStarts() {
        serve("a", "1.0.0", Map.of());
        serve("b", "1.0.0", Map.of());
        Greeter c = serve("c", "1.0.0", Map.of());
        ManagedChannel channel = channel("micro:///greeter");

        await().atMost(bound()).untilAsserted(() -> assertThat(spread(channel, 30).keySet())
                .containsExactlyInAnyOrder("a", "b", "c"));

        // Stop c the polite way: leave the registry, then shut down.
        registrations.get(2).close();
        c.close();
        await().atMost(bound()).untilAsserted(() -> assertThat(spread(channel, 20).keySet())
                .containsExactlyInAnyOrder("a", "b"));
        // From here every call succeeds, on the two that are left.
        assertThat(spread(channel, 40).keySet()).containsExactlyInAnyOrder("a", "b");

        serve("d", "1.0.0", Map.of());
        await().atMost(bound()).untilAsserted(() -> assertThat(spread(channel, 30).keySet())
                .containsExactlyInAnyOrder("a", "b", "d"));
    }

    @Test
    void versionAndMetadataFiltersKeepCallsOnMatchingNodes() {
        serve("v1-eu", "1.0.0", Map.of("zone", "eu-1"));
        serve("v1-us", "1.0.0", Map.of("zone", "us-1"));
        serve("v2-eu", "2.0.0", Map.of("zone", "eu-1"));
        ManagedChannel all = channel("micro:///greeter");
        ManagedChannel v1 = channel("micro:///greeter?version=1.0.0");
        ManagedChannel v1eu = channel("micro:///greeter?version=1.0.0&zone=eu-1");

        await().atMost(bound()).untilAsserted(() -> assertThat(spread(all, 30).keySet())
                .containsExactlyInAnyOrder("v1-eu", "v1-us", "v2-eu"));
        await().atMost(bound()).untilAsserted(() -> assertThat(spread(v1, 30).keySet())
                .containsExactlyInAnyOrder("v1-eu", "v1-us"));
        assertThat(spread(v1, 40).keySet()).containsExactlyInAnyOrder("v1-eu", "v1-us");
        assertThat(spread(v1eu, 20).keySet()).containsExactly("v1-eu");
    }

    @Test
    void backendOutageKeepsCallsOnKnownServers() {
        serve("a", "1.0.0", Map.of());
        serve("b", "1.0.0", Map.of());
        ManagedChannel channel = channel("micro:///greeter");
        await().atMost(bound()).untilAsserted(() -> assertThat(spread(channel, 20).keySet())
                .containsExactlyInAnyOrder("a", "b"));

        if (!backend.stopServer()) {
            return; // Nothing to take away on memory: covered by the other backends.
        }
        // The subscription goes stale; the resolver must keep both addresses, not report none.
        Set<String> served = new HashSet<>();
        long until = System.nanoTime() + backend.propagation().plusSeconds(3).toNanos();
        int calls = 0;
        while (System.nanoTime() < until || calls < 50) {
            served.add(Greeter.call(channel));
            calls++;
        }
        assertThat(served).containsExactlyInAnyOrder("a", "b");
    }
}
