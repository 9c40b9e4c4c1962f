package io.microregistry.benchmarks;

import com.google.common.net.HostAndPort;
import io.microregistry.Node;
import io.microregistry.Service;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.option.ImmutableQueryOptions;
import org.kiwiproject.consul.option.QueryOptions;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * consul-client doing what the Consul registry does: one agent service per node with a TTL check
 * that starts passing; a blocking query on the service's passing instances, re-asked with the
 * last index.
 */
final class ConsulRaw implements RawClient {

    private final Consul consul;
    private final List<String> registered = new ArrayList<>();

    /** A client of the agent whose HTTP API listens on {@code httpAddress}, {@code host:port}. */
    ConsulRaw(String httpAddress) {
        consul = Consul.builder().withPing(false).withHostAndPort(HostAndPort.fromString(httpAddress))
                .withReadTimeoutMillis(Duration.ofSeconds(30).toMillis()).build();
    }

    @Override
    public void register(Service service, Duration ttl) {
        Node node = service.nodes().get(0);
        int colon = node.address().lastIndexOf(':');
        consul.agentClient().register(ImmutableRegistration.builder()
                .id(node.id())
                .name(service.name())
                .address(node.address().substring(0, colon))
                .port(Integer.parseInt(node.address().substring(colon + 1)))
                .meta(node.metadata())
                .addTags("v-" + service.version())
                .check(ImmutableRegCheck.builder().ttl(ttl.toMillis() + "ms").status("passing")
                        .deregisterCriticalServiceAfter("1m").build())
                .build());
        registered.add(node.id());
    }

    @Override
    public Runnable watch(String serviceName, Consumer<String> created) throws Exception {
        CountDownLatch established = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            BigInteger index = BigInteger.ZERO;
            Set<String> known = new HashSet<>();
            while (!Thread.currentThread().isInterrupted()) {
                QueryOptions options = index.signum() == 0 ? ImmutableQueryOptions.builder().build()
                        : ImmutableQueryOptions.builder().wait("10s").index(index).build();
                ConsulResponse<List<ServiceHealth>> response;
                try {
                    response = consul.healthClient().getHealthyServiceInstances(serviceName, options);
                } catch (Exception e) {
                    // consul-client may rethrow the interrupt that ends this thread as is.
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    index = BigInteger.ZERO;
                    continue;
                }
                for (ServiceHealth health : response.getResponse()) {
                    if (known.add(health.getService().getId())) {
                        created.accept(health.getService().getId());
                    }
                }
                index = response.getIndex() == null ? BigInteger.ZERO : response.getIndex();
                established.countDown();
            }
        }, "bench-consul-blocking-query");
        thread.setDaemon(true);
        thread.start();
        if (!established.await(10, TimeUnit.SECONDS)) {
            thread.interrupt();
            throw new IllegalStateException("Consul blocking query on " + serviceName + " did not answer in 10 s");
        }
        return thread::interrupt;
    }

    @Override
    public void close() {
        for (String id : registered) {
            try {
                consul.agentClient().deregister(id);
            } catch (RuntimeException e) {
                // Expires with its check anyway.
            }
        }
        consul.destroy();
    }
}
