package io.microregistry.benchmarks;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;
import org.apache.curator.x.discovery.ServiceProviderBuilder;
import org.apache.curator.x.discovery.strategies.RoundRobinStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The peer: Apache Curator x-discovery's {@link ServiceProvider} with its default round-robin
 * strategy, backed by its {@code ServiceCache}, over an in-process ZooKeeper
 * ({@link TestingServer}), on the same node counts and the same version split as
 * {@link SelectBenchmark}. The version filter is Curator's {@code InstanceFilter} on the payload.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CuratorSelectBenchmark {

    @Param({"10", "100", "1000"})
    public int nodes;

    @Param({"none", "version"})
    public String filter;

    private TestingServer server;
    private CuratorFramework client;
    private ServiceDiscovery<String> discovery;
    private ServiceProvider<String> provider;

    @Setup
    public void setUp() throws Exception {
        server = new TestingServer(true);
        client = CuratorFrameworkFactory.newClient(server.getConnectString(), new ExponentialBackoffRetry(100, 3));
        client.start();
        client.blockUntilConnected(30, TimeUnit.SECONDS);
        discovery = ServiceDiscoveryBuilder.builder(String.class).client(client).basePath("/bench").build();
        discovery.start();
        for (int i = 0; i < nodes; i++) {
            discovery.registerService(ServiceInstance.<String>builder()
                    .name(SelectBenchmark.SERVICE)
                    .id(String.format("node-%04d", i))
                    .address("10.0." + (i / 250) + "." + (i % 250))
                    .port(8080)
                    .payload(i % 2 == 0 ? "1.0" : "2.0")
                    .build());
        }
        ServiceProviderBuilder<String> builder = discovery.serviceProviderBuilder()
                .serviceName(SelectBenchmark.SERVICE)
                .providerStrategy(new RoundRobinStrategy<>());
        if ("version".equals(filter)) {
            builder = builder.additionalFilter(instance -> "1.0".equals(instance.getPayload()));
        }
        provider = builder.build();
        provider.start();
        int expected = "version".equals(filter) ? nodes / 2 : nodes;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (provider.getAllInstances().size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Curator's cache did not see " + expected + " instances in 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        provider.close();
        discovery.close();
        client.close();
        server.close();
    }

    @Benchmark
    public ServiceInstance<String> select() throws Exception {
        return provider.getInstance();
    }
}
