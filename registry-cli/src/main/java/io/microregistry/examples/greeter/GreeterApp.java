package io.microregistry.examples.greeter;

import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigView;
import io.microregistry.config.Configs;
import io.microregistry.config.ViewOptions;
import io.microregistry.selector.Filter;
import io.microregistry.selector.Selector;
import io.microregistry.selector.Strategy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A greeter process, start to finish: registers on start, deregisters on shutdown (Ctrl-C), and every two
 * seconds greets whichever greeter the selector picks (possibly itself). The backend comes from the
 * environment, never from the code:
 *
 * <pre>
 * MICRO_REGISTRY=etcd java -cp registry-cli/target/micro-registry.jar io.microregistry.examples.greeter.GreeterApp
 * </pre>
 *
 * Run it in two terminals against etcd, Consul or ZooKeeper and each answers the other. The greeting word comes
 * from the config center on the same backend and changes live, without a restart:
 *
 * <pre>
 * MICRO_REGISTRY=etcd micro-registry config put config/greeter/greeting Bonjour
 * </pre>
 *
 * (layered Spring-Cloud style: {@code config/greeter,<GREETER_PROFILE>/} over {@code config/greeter/} over
 * {@code config/application/}; default {@code Hello}). (With the default
 * {@code memory} registry each process only sees itself; see {@code micro-registry demo} for three nodes in
 * one process.)
 */
public final class GreeterApp {
    private GreeterApp() {
    }

    public static void main(String[] args) throws Exception {
        String me = "greeter-" + UUID.randomUUID().toString().substring(0, 8);
        // One client per process; the backend is a deployment decision (MICRO_REGISTRY, MICRO_REGISTRY_ADDRESS).
        Registry registry = Registries.fromEnvironment();
        // The config center on the same backend; a live view, so a `config put` reaches the next greeting.
        Config config = Configs.fromEnvironment();
        ConfigView settings = config.view(ViewOptions.application("config", "greeter", System.getenv("GREETER_PROFILE")));
        // Register on start: the node is kept alive by the client until close, and expires within the TTL if
        // this process is killed.
        GreeterNode node = GreeterNode.start(registry, "greeter", "1.0.0", me, Map.of("started", LocalTime.now()
                .truncatedTo(ChronoUnit.SECONDS).toString()), RegisterOptions.ttl(Duration.ofSeconds(15)),
                () -> settings.getString("greeting", "Hello"));
        System.out.println(me + " serving on " + node.node().address() + "; Ctrl-C to stop");

        // Call others through a selector: it caches the registry (watch-driven) and learns from failures.
        Selector selector = Selector.of(registry, Strategy.roundRobin());
        GreeterClient client = new GreeterClient(selector, "greeter", Filter.version("1.0.0"), 3, Duration.ofSeconds(2));
        ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor();
        calls.scheduleWithFixedDelay(() -> {
            try {
                Greeting greeting = client.hello(me);
                System.out.println(greeting.node().id() + " says: " + greeting.message());
            } catch (NoSuchElementException | GreeterUnavailableException e) {
                System.out.println("no greeter answered: " + e.getMessage());
            } catch (RuntimeException e) {
                // A repeating task that throws is never run again: report and keep calling.
                System.out.println("call failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 1, 2, TimeUnit.SECONDS);

        // Deregister on shutdown, before the JVM goes: callers stop picking this node at once.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            calls.shutdownNow();
            selector.close();
            node.close();
            registry.close();
            settings.close();
            config.close();
            System.out.println(me + " deregistered");
        }, "greeter-shutdown"));
        Thread.currentThread().join(); // run until Ctrl-C
    }
}
