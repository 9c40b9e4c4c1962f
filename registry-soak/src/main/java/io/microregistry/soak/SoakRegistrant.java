package io.microregistry.soak;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryException;
import io.microregistry.Service;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The registrant process the soak starts, kills and freezes: opens the registry from its
 * system properties, registers its nodes (metadata {@code gen=0}), prints
 * {@code REGISTERED 0}, then for each line {@code gen K} on standard input registers the same
 * nodes again with {@code gen=K} and prints {@code REGISTERED K}. A write the backend refuses
 * (it is down or recovering) is retried until it is taken.
 *
 * <p>Arguments: service name, node id prefix, node count, TTL in milliseconds.
 */
public final class SoakRegistrant {

    /** What the registrant prints once generation K of its nodes is written: {@code REGISTERED K}. */
    public static final String READY = "REGISTERED";

    private SoakRegistrant() {
    }

    public static void main(String[] args) throws Exception {
        String service = args[0];
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        RegisterOptions options = RegisterOptions.ttl(Duration.ofMillis(Long.parseLong(args[3])));
        try (Registry registry = Registries.fromEnvironment()) {
            register(registry, service, prefix, count, options, 0);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("gen ")) {
                    register(registry, service, prefix, count, options, Integer.parseInt(line.substring(4).trim()));
                }
            }
        }
    }

    private static void register(Registry registry, String service, String prefix, int count,
                                 RegisterOptions options, int gen) throws InterruptedException {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new Node(prefix + "-n" + i, "127.0.0.1:" + (10000 + i), Map.of("gen", Integer.toString(gen))));
        }
        Service record = new Service(service, "1", null, null, nodes);
        while (true) {
            try {
                registry.register(record, options);
                System.out.println(READY + " " + gen);
                System.out.flush();
                return;
            } catch (RegistryException e) {
                System.out.println("retrying gen " + gen + ": " + e);
                Thread.sleep(250);
            }
        }
    }
}
