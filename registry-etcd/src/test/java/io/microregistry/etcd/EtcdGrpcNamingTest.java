package io.microregistry.etcd;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.microregistry.RegistryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * etcd's gRPC naming layout against a real etcd and real gRPC servers on loopback: records as
 * grpc-go and go-zero write them (put with etcdctl, byte for byte) resolve through
 * {@code etcd:///}, and what Java publishes reads back in Go's exact shape.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdGrpcNamingTest {
    private static final Duration BOUND = Duration.ofSeconds(15);

    private EtcdServer server;
    private Etcdctl etcdctl;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void start() {
        server = EtcdServer.startSingle();
        etcdctl = new Etcdctl(server.address());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        server.close();
    }

    private GrpcGreeter greeter(String name) {
        GrpcGreeter greeter = GrpcGreeter.start(name);
        closing.add(greeter);
        return greeter;
    }

    private ManagedChannel channel(String target) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(target)
                .setNameResolverArg(EtcdGrpcNameResolverProvider.CONFIG, RegistryConfig.of(server.address()))
                .defaultLoadBalancingPolicy("round_robin")
                .usePlaintext()
                .build();
        closing.add(channel::shutdownNow);
        return channel;
    }

    private EtcdGrpcEndpoints publisher(Duration ttl) {
        EtcdGrpcEndpoints endpoints = EtcdGrpcEndpoints.open(RegistryConfig.of(server.address()), ttl);
        closing.add(endpoints);
        return endpoints;
    }

    private static Set<String> served(ManagedChannel channel, int calls) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < calls; i++) {
            names.add(GrpcGreeter.call(channel));
        }
        return names;
    }

    private static String goValue(String addr) {
        // Exactly json.Marshal(internal.Update{Op: Add, Addr: addr}) in grpc-go's endpoints manager.
        return "{\"Op\":0,\"Addr\":\"" + addr + "\",\"Metadata\":null}";
    }

    @Test
    void recordsWrittenAsGoWritesThemResolveAndAreCalledAndDeletesRemoveThem() {
        GrpcGreeter a = greeter("a");
        GrpcGreeter b = greeter("b");
        etcdctl.run("put", "foo/bar/my-service/" + a.addr(), goValue(a.addr()));
        ManagedChannel channel = channel("etcd:///foo/bar/my-service");
        assertThat(GrpcGreeter.call(channel)).isEqualTo("a");

        // Added while the channel follows: pushed by the watch, no refresh.
        etcdctl.run("put", "foo/bar/my-service/" + b.addr(), goValue(b.addr()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactlyInAnyOrder("a", "b"));

        // A delete is a plain key delete.
        etcdctl.run("del", "foo/bar/my-service/" + a.addr());
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactly("b"));
    }

    @Test
    void bareHostPortValuesAsGoZeroWritesThemResolve() {
        GrpcGreeter a = greeter("a");
        // go-zero: key <key>/<leaseId>, value the bare address.
        etcdctl.run("put", "greeter.rpc/7587867219370913027", a.addr());
        assertThat(GrpcGreeter.call(channel("etcd:///greeter.rpc"))).isEqualTo("a");
    }

    @Test
    void aPrefixNeverPicksUpTheKeysOfALongerName() {
        GrpcGreeter mine = greeter("my-service");
        GrpcGreeter other = greeter("my-service2");
        etcdctl.run("put", "my-service/" + mine.addr(), goValue(mine.addr()));
        etcdctl.run("put", "my-service2/" + other.addr(), goValue(other.addr()));
        etcdctl.run("put", "my-service-x", goValue(other.addr()));
        ManagedChannel channel = channel("etcd:///my-service");
        assertThat(served(channel, 30)).containsExactly("my-service");
        assertThat(served(channel("etcd:///my-service2"), 10)).containsExactly("my-service2");
    }

    @Test
    void unreadableValuesAreSkippedNotFatal() {
        GrpcGreeter a = greeter("a");
        etcdctl.run("put", "svc/junk", "{not json");
        etcdctl.run("put", "svc/delete-op", "{\"Op\":1,\"Addr\":\"127.0.0.1:1\",\"Metadata\":null}");
        etcdctl.run("put", "svc/" + a.addr(), goValue(a.addr()));
        assertThat(served(channel("etcd:///svc"), 10)).containsExactly("a");
    }

    @Test
    void aJavaServerPublishedReadsBackInGoShapeOnALeaseAndIsCalled() {
        GrpcGreeter a = greeter("a");
        GrpcGreeter b = greeter("b");
        EtcdGrpcEndpoints endpoints = publisher(Duration.ofSeconds(10));
        endpoints.add("foo/bar/my-service", a.addr());
        endpoints.add("foo/bar/my-service", b.addr(), "{\"zone\":\"eu-1\",\"weight\":2}");

        assertThat(etcdctl.run("get", "foo/bar/my-service/" + a.addr(), "--print-value-only").strip())
                .isEqualTo(goValue(a.addr()));
        assertThat(etcdctl.run("get", "foo/bar/my-service/" + b.addr(), "--print-value-only").strip())
                .isEqualTo("{\"Op\":0,\"Addr\":\"" + b.addr() + "\",\"Metadata\":{\"zone\":\"eu-1\",\"weight\":2}}");
        assertThat(lease("foo/bar/my-service/" + a.addr())).isNotZero();

        ManagedChannel channel = channel("etcd:///foo/bar/my-service");
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactlyInAnyOrder("a", "b"));

        endpoints.remove("foo/bar/my-service", a.addr());
        assertThat(etcdctl.run("get", "foo/bar/my-service/" + a.addr(), "--print-value-only")).isBlank();
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactly("b"));

        endpoints.close();
        assertThat(etcdctl.run("get", "foo/bar/my-service/", "--prefix", "--keys-only")).isBlank();
    }

    @Test
    void leaseLossRepublishesAndCallsGoOn() {
        GrpcGreeter a = greeter("a");
        EtcdGrpcEndpoints endpoints = publisher(Duration.ofSeconds(5));
        endpoints.add("lossy", a.addr());
        long lease = lease("lossy/" + a.addr());
        ManagedChannel channel = channel("etcd:///lossy");
        assertThat(GrpcGreeter.call(channel)).isEqualTo("a");

        etcdctl.run("lease", "revoke", Long.toHexString(lease));
        await().atMost(BOUND).untilAsserted(() -> {
            long now = lease("lossy/" + a.addr());
            assertThat(now).isNotZero().isNotEqualTo(lease);
        });
        assertThat(etcdctl.run("get", "lossy/" + a.addr(), "--print-value-only").strip()).isEqualTo(goValue(a.addr()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(GrpcGreeter.call(channel)).isEqualTo("a"));
    }

    @Test
    void theWatchComesBackAfterARestartAndAfterEtcdLostItsData() {
        GrpcGreeter a = greeter("a");
        GrpcGreeter b = greeter("b");
        GrpcGreeter c = greeter("c");
        etcdctl.run("put", "phoenix/" + a.addr(), goValue(a.addr()));
        ManagedChannel channel = channel("etcd:///phoenix");
        assertThat(GrpcGreeter.call(channel)).isEqualTo("a");

        // Broken stream: etcd stops and starts; known servers stay callable meanwhile.
        server.restart();
        assertThat(served(channel, 10)).containsExactly("a");
        etcdctl.run("put", "phoenix/" + b.addr(), goValue(b.addr()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactlyInAnyOrder("a", "b"));

        // A wiped etcd starts its revisions over: the resolver must re-read, not wait for revisions it passed.
        server.restartWithDataLoss();
        etcdctl.run("put", "phoenix/" + c.addr(), goValue(c.addr()));
        await().atMost(BOUND).untilAsserted(() -> assertThat(served(channel, 20)).containsExactly("c"));
    }

    @Test
    void badTargetsAndAddressesAreRejectedNamingTheField() {
        EtcdGrpcEndpoints endpoints = publisher(Duration.ofSeconds(5));
        assertThatThrownBy(() -> endpoints.add("/lead", "127.0.0.1:1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target");
        assertThatThrownBy(() -> endpoints.add("svc", "127.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("addr");
        assertThatThrownBy(() -> endpoints.add("svc", "127.0.0.1:1", "{oops")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metadata");
        assertThat(etcdctl.run("get", "", "--prefix", "--keys-only")).isBlank();
    }

    @Test
    void grpcFindsTheEtcdSchemeButPlainTargetsStayDns() {
        assertThat(io.grpc.NameResolverRegistry.getDefaultRegistry().getProviderForScheme("etcd"))
                .isInstanceOf(EtcdGrpcNameResolverProvider.class);
        assertThat(io.grpc.NameResolverRegistry.getDefaultRegistry().asFactory().getDefaultScheme()).isEqualTo("dns");
    }

    private long lease(String key) {
        String fields = etcdctl.run("get", key, "-w", "fields");
        Matcher m = Pattern.compile("\"Lease\" : (\\d+)").matcher(fields);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
