package io.microregistry.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigView;
import io.microregistry.config.Configs;
import io.microregistry.consul.ConsulAgent;
import io.microregistry.etcd.EtcdServer;
import io.microregistry.zookeeper.ZookeeperServer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.ExponentialBackoffRetry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config propagation, a run of its own beside the registry benchmarks: one client puts a value;
 * how long until a watching reader has it. Two sides per backend, each on fresh clients: a
 * {@link ConfigView} of the prefix (library), and the backend's raw client watching the same key
 * with its own mechanism (jetcd prefix watch; Consul KV blocking query over the JDK HTTP client;
 * Curator {@link CuratorCache}). Measured interval, the same for both: from just before the put
 * until the measuring thread sees the new value, checking every ~20 µs (parkNanos). Rounds
 * alternate the order of the sides; each pass starts with unmeasured warm-up puts.
 *
 * <p>Run: {@code ./mvnw -B -pl registry-benchmarks -am -DskipTests -Pbenchmarks -Dbenchmarks.skip=true
 * -Dconfig.benchmark.skip=false verify}; prints a Markdown table and writes it to
 * {@code registry-benchmarks/target/config-propagation.md}.
 */
public final class ConfigPropagation {
    private static final int WARMUP = 20;
    private static final int SAMPLES = 300;
    private static final int ROUNDS = 3;
    private static final long POLL_NANOS = 20_000;
    private static final Duration BOUND = Duration.ofSeconds(20);

    private ConfigPropagation() {
    }

    /** A reader that watches one key and a writer that puts it. */
    private interface Side extends AutoCloseable {
        void put(String value) throws Exception;

        String seen();

        @Override
        void close() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        StringBuilder table = new StringBuilder();
        table.append("| backend | library view p50 / p99 / max (ms) | raw client p50 / p99 / max (ms) | raw client |\n");
        table.append("|---|---|---|---|\n");
        for (String backend : List.of("etcd", "consul", "zookeeper")) {
            AutoCloseable server;
            String address;
            switch (backend) {
                case "etcd" -> {
                    EtcdServer s = EtcdServer.startSingle();
                    server = s;
                    address = s.address();
                }
                case "consul" -> {
                    ConsulAgent a = ConsulAgent.start();
                    server = a;
                    address = a.httpAddress();
                }
                default -> {
                    ZookeeperServer z = ZookeeperServer.start();
                    server = z;
                    address = z.connectString();
                }
            }
            try (server) {
                long[] library = new long[SAMPLES];
                long[] raw = new long[SAMPLES];
                int done = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    int n = SAMPLES / ROUNDS + (round < SAMPLES % ROUNDS ? 1 : 0);
                    String key = "bench/r" + round + "/value";
                    boolean libraryFirst = round % 2 == 0;
                    for (int pass = 0; pass < 2; pass++) {
                        boolean lib = libraryFirst == (pass == 0);
                        System.err.println("config propagation: " + backend + " round " + round + " " + (lib ? "library" : "raw"));
                        try (Side side = lib ? library(backend, address, key) : raw(backend, address, key)) {
                            measure(side, lib ? library : raw, done, n, round);
                        }
                    }
                    done += n;
                }
                Latencies l = Latencies.ofNanos(library);
                Latencies r = Latencies.ofNanos(raw);
                table.append(String.format("| %s | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %s |%n", backend,
                        l.p50() / 1e3, l.p99() / 1e3, l.max() / 1e3, r.p50() / 1e3, r.p99() / 1e3, r.max() / 1e3,
                        rawDescription(backend)));
            }
        }
        String report = "Config propagation, put → watching reader has the value; " + SAMPLES + " samples per side, "
                + ROUNDS + " rounds alternating order, " + WARMUP + " warm-up puts per pass; run " + Instant.now()
                + " in " + (System.nanoTime() - start) / 1_000_000_000 + " s.\n\n" + table;
        System.out.println(report);
        Path out = Path.of("registry-benchmarks/target/config-propagation.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, report);
        }
    }

    private static String rawDescription(String backend) {
        return switch (backend) {
            case "etcd" -> "jetcd put, prefix watch";
            case "consul" -> "JDK HTTP: KV PUT, blocking GET ?index=";
            default -> "Curator setData, CuratorCache";
        };
    }

    private static void measure(Side side, long[] into, int offset, int n, int round) throws Exception {
        // A raw watch may be established after its first put: put until one is seen, before warming up.
        long readyBy = System.nanoTime() + BOUND.toNanos();
        boolean ready = false;
        while (!ready) {
            String probe = "ready-" + System.nanoTime();
            side.put(probe);
            long until = System.nanoTime() + 500_000_000L;
            while (!(ready = probe.equals(side.seen())) && System.nanoTime() < until) {
                LockSupport.parkNanos(POLL_NANOS);
            }
            if (!ready && System.nanoTime() > readyBy) {
                throw new IllegalStateException("the watching side never saw a put within " + BOUND);
            }
        }
        for (int i = 0; i < WARMUP + n; i++) {
            String value = "r" + round + "-" + i + "-" + System.nanoTime();
            long t0 = System.nanoTime();
            side.put(value);
            long deadline = t0 + BOUND.toNanos();
            while (!value.equals(side.seen())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("value " + value + " not seen within " + BOUND + "; seen " + side.seen());
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            long took = System.nanoTime() - t0;
            if (i >= WARMUP) {
                into[offset + i - WARMUP] = took;
            }
        }
    }

    private static Side library(String backend, String address, String key) {
        Config writer = Configs.open(backend, RegistryConfig.of(address));
        Config reader = Configs.open(backend, RegistryConfig.of(address));
        writer.put(key, "start");
        String prefix = key.substring(0, key.lastIndexOf('/') + 1);
        String name = key.substring(prefix.length());
        ConfigView view = reader.view(prefix);
        return new Side() {
            @Override
            public void put(String value) {
                writer.put(key, value);
            }

            @Override
            public String seen() {
                return view.getString(name, null);
            }

            @Override
            public void close() {
                view.close();
                reader.close();
                writer.close();
            }
        };
    }

    private static Side raw(String backend, String address, String key) throws Exception {
        return switch (backend) {
            case "etcd" -> etcd(address, "/micro/config/" + key);
            case "consul" -> consul(address, "micro/config/" + key);
            default -> zookeeper(address, "/micro/config/" + key);
        };
    }

    private static Side etcd(String address, String key) {
        Client writer = Client.builder().endpoints("http://" + address).build();
        Client reader = Client.builder().endpoints("http://" + address).build();
        ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
        String[] seen = {null};
        Watch.Watcher watcher = reader.getWatchClient().watch(k, WatchOption.builder().isPrefix(true).build(),
                response -> response.getEvents().forEach(e -> {
                    synchronized (seen) {
                        seen[0] = e.getKeyValue().getValue().toString(StandardCharsets.UTF_8);
                    }
                }));
        return new Side() {
            @Override
            public void put(String value) throws Exception {
                writer.getKVClient().put(k, ByteSequence.from(value, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            }

            @Override
            public String seen() {
                synchronized (seen) {
                    return seen[0];
                }
            }

            @Override
            public void close() {
                watcher.close();
                reader.close();
                writer.close();
            }
        };
    }

    private static Side consul(String address, String key) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://" + address + "/v1/kv/" + key);
        http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString("start")).build(),
                HttpResponse.BodyHandlers.discarding());
        Pattern valuePattern = Pattern.compile("\"Value\"\\s*:\\s*\"([^\"]*)\"");
        String[] seen = {null};
        boolean[] stop = {false};
        Thread reader = new Thread(() -> {
            HttpClient watchHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long index = 0;
            while (!stop[0]) {
                try {
                    HttpResponse<String> r = watchHttp.send(HttpRequest.newBuilder(URI.create(uri + "?index=" + index
                            + "&wait=20s")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                    index = Long.parseLong(r.headers().firstValue("X-Consul-Index").orElse("0"));
                    Matcher m = valuePattern.matcher(r.body());
                    if (m.find()) {
                        String v = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
                        synchronized (seen) {
                            seen[0] = v;
                        }
                    }
                } catch (Exception e) {
                    if (!stop[0]) {
                        System.err.println("consul raw watch ended: " + e);
                    }
                    return;
                }
            }
        }, "consul-raw-kv-watch");
        reader.setDaemon(true);
        reader.start();
        return new Side() {
            @Override
            public void put(String value) throws Exception {
                http.send(HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }

            @Override
            public String seen() {
                synchronized (seen) {
                    return seen[0];
                }
            }

            @Override
            public void close() {
                stop[0] = true;
                reader.interrupt();
            }
        };
    }

    private static Side zookeeper(String address, String path) throws Exception {
        CuratorFramework writer = CuratorFrameworkFactory.newClient(address, new ExponentialBackoffRetry(100, 3));
        CuratorFramework reader = CuratorFrameworkFactory.newClient(address, new ExponentialBackoffRetry(100, 3));
        writer.start();
        reader.start();
        writer.blockUntilConnected(10, TimeUnit.SECONDS);
        reader.blockUntilConnected(10, TimeUnit.SECONDS);
        if (writer.checkExists().forPath(path) == null) {
            writer.create().creatingParentsIfNeeded().forPath(path, "start".getBytes(StandardCharsets.UTF_8));
        }
        String[] seen = {null};
        CuratorCache cache = CuratorCache.build(reader, path);
        cache.listenable().addListener(CuratorCacheListener.builder().forAll((type, old, data) -> {
            if (data != null && data.getPath().equals(path) && data.getData() != null) {
                synchronized (seen) {
                    seen[0] = new String(data.getData(), StandardCharsets.UTF_8);
                }
            }
        }).build());
        cache.start();
        return new Side() {
            @Override
            public void put(String value) throws Exception {
                writer.setData().forPath(path, value.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String seen() {
                synchronized (seen) {
                    return seen[0];
                }
            }

            @Override
            public void close() {
                cache.close();
                reader.close();
                writer.close();
            }
        };
    }

}
