package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.Service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The registrant the liveness contract runs in a child JVM and kills with SIGKILL: it opens
 * the registry from its system properties, registers one node, says so on standard output,
 * and waits to be killed.
 *
 * <p>Arguments: service name, node id, TTL in milliseconds.
 */
public final class ChildRegistrant {

    /** What the child prints once its node is registered. */
    public static final String READY = "REGISTERED";

    private ChildRegistrant() {
    }

    public static void main(String[] args) throws InterruptedException {
        Registry registry = Registries.fromEnvironment();
        registry.register(new Service(args[0], "1", null, null, java.util.List.of(Node.of(args[1], "127.0.0.1:1"))),
                RegisterOptions.ttl(Duration.ofMillis(Long.parseLong(args[2]))));
        System.out.println(READY);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
