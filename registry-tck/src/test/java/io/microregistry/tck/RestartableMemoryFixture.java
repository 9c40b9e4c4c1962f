package io.microregistry.tck;

import io.microregistry.Registry;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The memory backend with a "server restart" that keeps state, as etcd's does, after which
 * every client's keeper writes its registrations back, and a session loss that drops one
 * client's records until its keeper writes them back: enough for the outage contracts to
 * tell a correct keeper from a broken one without a network server.
 */
class RestartableMemoryFixture extends MemoryFixture {
    private final KeepingRegistry.Flaw flaw;
    private final List<KeepingRegistry> keepers = new CopyOnWriteArrayList<>();

    RestartableMemoryFixture(KeepingRegistry.Flaw flaw) {
        this.flaw = flaw;
    }

    @Override
    public Registry newClient() {
        KeepingRegistry keeper = new KeepingRegistry(super.newClient(), flaw);
        keepers.add(keeper);
        return keeper;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> capabilities = EnumSet.copyOf(super.capabilities());
        capabilities.add(Capability.SERVER_RESTART);
        capabilities.add(Capability.SESSION_LOSS);
        // Its keepers wrap clients of the default store only; the outage contracts need no namespaces.
        capabilities.remove(Capability.NAMESPACES);
        return capabilities;
    }

    @Override
    public Duration recoveryBound() {
        return Duration.ofSeconds(3);
    }

    @Override
    public void abandon(Registry client) {
        ((KeepingRegistry) client).abandon();
    }

    @Override
    public void loseSession(Registry client) {
        ((KeepingRegistry) client).loseSession();
    }

    @Override
    public void restartServer() {
        keepers.forEach(KeepingRegistry::writeBack);
    }
}
