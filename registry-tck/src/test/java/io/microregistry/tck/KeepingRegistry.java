package io.microregistry.tck;

import io.microregistry.Node;
import io.microregistry.RegisterOptions;
import io.microregistry.Registry;
import io.microregistry.Service;
import io.microregistry.memory.MemoryRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory client with a keeper, as network backends have: it remembers what it registered
 * and writes it back when {@link RestartableMemoryFixture} "restarts the server". With
 * {@link Flaw#NONE} it is correct; each other flaw is a classic keeper bug.
 */
final class KeepingRegistry extends ForwardingRegistry {

    enum Flaw {
        NONE,
        /** Deregister does not tell the keeper, so a restart writes the node back. */
        KEEPS_DEREGISTERED,
        /** The keeper writes back bare nodes: no service metadata, no endpoints, no node metadata. */
        WRITES_BACK_STRIPPED
    }

    private record Kept(Service service, RegisterOptions options) {
    }

    private final Flaw flaw;
    private final Map<String, Kept> kept = new LinkedHashMap<>();
    private boolean abandoned;

    KeepingRegistry(Registry delegate, Flaw flaw) {
        super(delegate);
        this.flaw = flaw;
    }

    @Override
    public synchronized void register(Service service, RegisterOptions options) {
        super.register(service, options);
        for (Node node : service.nodes()) {
            kept.put(service.name() + "\u0000" + node.id(), new Kept(service.withNode(node), options));
        }
    }

    @Override
    public synchronized void deregister(Service service) {
        super.deregister(service);
        if (flaw != Flaw.KEEPS_DEREGISTERED) {
            for (Node node : service.nodes()) {
                kept.remove(service.name() + "\u0000" + node.id());
            }
        }
    }

    synchronized void abandon() {
        abandoned = true;
        ((MemoryRegistry) delegate).halt();
    }

    /** The server drops this client's records; the keeper notices and writes back what it holds. */
    synchronized void loseSession() {
        for (Kept k : List.copyOf(kept.values())) {
            super.deregister(k.service());
        }
        writeBack();
    }

    /** What the keeper does once the server is back. */
    synchronized void writeBack() {
        if (abandoned) {
            return;
        }
        for (Kept k : kept.values()) {
            Service service = flaw == Flaw.WRITES_BACK_STRIPPED
                    ? new Service(k.service().name(), k.service().version(), Map.of(), List.of(),
                    List.of(Node.of(k.service().nodes().get(0).id(), k.service().nodes().get(0).address())))
                    : k.service();
            try {
                super.register(service, k.options());
            } catch (RuntimeException closed) {
                return; // the client was closed meanwhile
            }
        }
    }
}
