package io.microregistry.benchmarks.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.Service;
import io.microregistry.Subscription;
import io.microregistry.WatchEvent;
import io.microregistry.WatchListener;
import io.microregistry.WatchOptions;
import io.microregistry.consul.ConsulAgent;
import io.microregistry.etcd.EtcdServer;
import io.microregistry.grpc.MicroNameResolverProvider;
import io.microregistry.memory.MemoryRegistry;
import io.microregistry.zookeeper.ZookeeperServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Time from a gRPC server's registration until the first RPC lands on it, two ways, on each
 * backend:
 *
 * <ul>
 *   <li><b>micro:///</b> — a channel on {@code micro:///bench} (resolver fed by push, round-robin)
 *       calls in a loop until the new server answers;</li>
 *   <li><b>plain watch</b> — a registry subscription on a second client records the node; the
 *       measuring thread, checking every 20 µs, then opens a channel to its address and calls.</li>
 * </ul>
 *
 * Both include the backend's propagation, a new HTTP/2 connection and one RPC. One base server
 * stays registered throughout so the micro:/// channel is always READY. Each sample: a fresh
 * server is registered, measured, deregistered and shut down; the next waits until the channel
 * no longer reaches it. Warm-up samples first; sides alternate per round.
 *
 * <p>Usage: {@code GrpcPropagation --output docs/benchmarks.md [--samples 200]}; replaces the
 * section between the {@code grpc-propagation} markers in the output (appends it if absent).
 */
public final class GrpcPropagation {
    private static final String BEGIN = "<!-- grpc-propagation:begin -->";
    private static final String END = "<!-- grpc-propagation:end -->";
    private static final int WARMUP = 10;
    private static final int ROUNDS = 2;

    private GrpcPropagation() {
    }

    private record Row(String backend, int samples, double[] micro, double[] watch) {
    }

    public static void main(String[] args) throws Exception {
        Path output = null;
        int samples = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--output" -> output = Path.of(args[++i]);
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Instant started = Instant.now();
        List<Row> rows = new ArrayList<>();
        rows.add(runMemory(samples));
        try (EtcdServer etcd = EtcdServer.startSingle()) {
            rows.add(run("etcd", () -> Registries.open("etcd", RegistryConfig.of(etcd.address())), samples));
        }
        try (ConsulAgent consul = ConsulAgent.start()) {
            rows.add(run("consul", () -> Registries.open("consul", RegistryConfig.of(consul.httpAddress())), samples));
        }
        try (ZookeeperServer zk = ZookeeperServer.start()) {
            rows.add(run("zookeeper", () -> Registries.open("zookeeper", RegistryConfig.of(zk.connectString())),
                    samples));
        }
        String section = render(rows, started, Duration.between(started, Instant.now()));
        System.out.println(section);
        if (output != null) {
            write(output, section);
        }
        System.exit(0);
    }

    private static Row runMemory(int samples) throws Exception {
        MemoryRegistry shared = MemoryRegistry.standalone();
        try {
            return run("memory", () -> new Unclosable(shared), samples);
        } finally {
            shared.close();
        }
    }

    private static Row run(String backend, Supplier<Registry> clients, int samples) throws Exception {
        List<Double> micro = new ArrayList<>();
        List<Double> watch = new ArrayList<>();
        try (Registry registrant = clients.get(); Registry resolving = clients.get(); Registry watching = clients.get();
             BenchGreeter base = BenchGreeter.start("base")) {
            registrant.register(service(base), RegisterOptions.ttl(Duration.ofSeconds(10)));
            ManagedChannel channel = NettyChannelBuilder.forTarget("micro:///bench")
                    .setNameResolverArg(MicroNameResolverProvider.REGISTRY, resolving).usePlaintext().build();
            Map<String, String> seen = new ConcurrentHashMap<>();
            Subscription subscription = watching.subscribe(WatchOptions.service("bench"), new WatchListener() {
                @Override
                public void onSnapshot(List<Service> current) {
                    current.forEach(s -> s.nodes().forEach(n -> seen.put(n.id(), n.address())));
                }

                @Override
                public void onEvent(WatchEvent event) {
                    if (event.type() == WatchEvent.Type.DELETE) {
                        seen.remove(event.node().id());
                    } else {
                        seen.put(event.node().id(), event.node().address());
                    }
                }
            });
            try {
                await(() -> "base".equals(BenchGreeter.call(channel)));
                int counter = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    for (int side = 0; side < 2; side++) {
                        boolean microSide = (side + round) % 2 == 0;
                        for (int i = 0; i < WARMUP + samples / ROUNDS; i++) {
                            String name = "n" + (counter++);
                            double ms = microSide ? sampleMicro(registrant, channel, name)
                                    : sampleWatch(registrant, seen, name);
                            if (i >= WARMUP) {
                                (microSide ? micro : watch).add(ms);
                            }
                        }
                    }
                }
            } finally {
                subscription.close();
                channel.shutdownNow();
            }
        }
        return new Row(backend, micro.size(), stats(micro), stats(watch));
    }

    private static double sampleMicro(Registry registrant, ManagedChannel channel, String name) {
        try (BenchGreeter server = BenchGreeter.start(name)) {
            Service service = service(server);
            long t0 = System.nanoTime();
            registrant.register(service, RegisterOptions.ttl(Duration.ofSeconds(10)));
            while (!name.equals(BenchGreeter.call(channel))) {
                // Round-robin: the base server answers until the new one is READY in the picker.
            }
            long t1 = System.nanoTime();
            registrant.deregister(service);
            server.close();
            // Until the channel has dropped it, so the next sample starts from one server again.
            await(() -> {
                for (int i = 0; i < 4; i++) {
                    if (!"base".equals(BenchGreeter.call(channel))) {
                        return false;
                    }
                }
                return true;
            });
            return (t1 - t0) / 1e6;
        }
    }

    private static double sampleWatch(Registry registrant, Map<String, String> seen, String name) {
        try (BenchGreeter server = BenchGreeter.start(name)) {
            Service service = service(server);
            long t0 = System.nanoTime();
            registrant.register(service, RegisterOptions.ttl(Duration.ofSeconds(10)));
            String address;
            while ((address = seen.get(name)) == null) {
                LockSupport.parkNanos(20_000);
            }
            int colon = address.lastIndexOf(':');
            ManagedChannel direct = NettyChannelBuilder.forAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))).usePlaintext().build();
            String answer = BenchGreeter.call(direct);
            long t1 = System.nanoTime();
            direct.shutdownNow();
            if (!name.equals(answer)) {
                throw new IllegalStateException("expected " + name + ", got " + answer);
            }
            registrant.deregister(service);
            await(() -> !seen.containsKey(name));
            return (t1 - t0) / 1e6;
        }
    }

    private static Service service(BenchGreeter server) {
        return Service.builder("bench").version("1.0.0").node(Node.of(server.name, server.address())).build();
    }

    private static void await(Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("condition not met within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static double[] stats(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new double[] {percentile(sorted, 0.50), percentile(sorted, 0.99)};
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String render(List<Row> rows, Instant started, Duration took) {
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("## gRPC: registration to first RPC\n\n");
        out.append("Generated by `./mvnw -B -pl registry-benchmarks -am -DskipTests -Pgrpc-benchmark verify` on ")
                .append(started).append(", in ").append(took.toSeconds()).append(" s (a separate run from the "
                        + "sections above; it rewrites only this section).\n\n");
        out.append("From just before `register` of a freshly started gRPC server until the first RPC answered by "
                + "that server. **micro:///**: a channel on `micro:///bench` (push-fed resolver, round-robin, one "
                + "other server always registered) calls in a loop until the new server answers. **plain watch**: a "
                + "registry subscription on another client records the node, the measuring thread (checking every "
                + "20 µs) then opens a channel to its address and makes the call. Both include propagation, a new "
                + "HTTP/2 connection and one RPC. ").append(WARMUP).append(" unmeasured samples per side per round, ")
                .append(ROUNDS).append(" rounds with the sides in alternating order; p50 / p99 in ms.\n\n");
        out.append("| backend | samples per side | micro:/// p50 / p99 | plain watch p50 / p99 |\n");
        out.append("|---|---|---|---|\n");
        for (Row row : rows) {
            out.append(String.format("| %s | %d | %.2f / %.2f | %.2f / %.2f |%n", row.backend(), row.samples(),
                    row.micro()[0], row.micro()[1], row.watch()[0], row.watch()[1]));
        }
        out.append(END).append('\n');
        return out.toString();
    }

    private static void write(Path output, String section) throws IOException {
        String text = Files.exists(output) ? Files.readString(output) : "";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        String updated;
        if (begin >= 0 && end > begin) {
            updated = text.substring(0, begin) + section + text.substring(end + END.length() + 1);
        } else {
            updated = text + (text.endsWith("\n") || text.isEmpty() ? "\n" : "\n\n") + section;
        }
        Files.writeString(output, updated);
    }
}
