package io.microregistry.consul;

import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The TCK's porting package for Consul: one real agent per fixture, clients of the
 * {@code consul} provider on it, and every fault hook (abandon a client, SIGKILL a child JVM
 * registrant, restart the agent, drop a client's services behind its back).
 *
 * <p>{@link #persistent()} runs a single-server agent with a data dir, so a
 * {@linkplain #restartServer() restart} keeps the catalog and the agent's services and checks,
 * as a production agent does; the plain constructor runs a dev agent, which loses everything on
 * a restart (cheaper to start; for suites that never restart it).
 *
 * <p>Not thread-safe except {@link #newClient()}.
 */
final class ConsulFixture implements RegistryFixture {
    private final ConsulAgent agent;

    /** A fixture on a dev agent: keeps nothing across {@link #restartServer()}. */
    ConsulFixture() {
        this(ConsulAgent.start());
    }

    private ConsulFixture(ConsulAgent agent) {
        this.agent = agent;
    }

    /** A fixture on a persistent single-server agent: its catalog survives {@link #restartServer()}. */
    static ConsulFixture persistent() {
        return new ConsulFixture(ConsulAgent.startPersistent());
    }

    ConsulAgent agent() {
        return agent;
    }

    @Override
    public Registry newClient() {
        return new ConsulRegistryProvider().open(RegistryConfig.of(agent.httpAddress()));
    }

    @Override
    public Set<Capability> capabilities() {
        // No NAMESPACES: the catalog has no key root, so the provider refuses a namespace at open
        // (ConsulRegistryTest#aNamespaceIsRefusedAtOpenSinceTheCatalogHasNoKeyRoot).
        return EnumSet.of(Capability.ABANDON_CLIENT, Capability.KILL_PROCESS, Capability.SERVER_RESTART,
                Capability.PROVIDER_DISCOVERY, Capability.SESSION_LOSS);
    }

    @Override
    public Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

    @Override
    public void abandon(Registry client) {
        ((StoreRegistry) client).abandon();
    }

    /**
     * Deregisters the client's services on the agent behind its back, as the agent does when
     * it reaps a service whose check stayed critical too long: the client's keeper finds its
     * check gone on the next pass and must register again.
     */
    @Override
    public void loseSession(Registry client) {
        // The consul CLI rather than an HTTP client in this JVM: no client threads linger to
        // confuse the TCK's thread-leak contract.
        Set<String> ids = ((ConsulStore) ((StoreRegistry) client).store()).keptIds();
        if (ids.isEmpty()) {
            throw new IllegalStateException("the client keeps no service alive");
        }
        for (String id : ids) {
            try {
                Process process = new ProcessBuilder(ConsulAgent.binary().toString(), "services", "deregister",
                        "-http-addr=" + agent.httpAddress(), "-id=" + id).redirectErrorStream(true).start();
                process.getOutputStream().close();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("consul services deregister did not finish");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("agent refused to deregister " + id + ": " + out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void restartServer() {
        agent.restart();
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", ConsulRegistryProvider.NAME, "micro.registry.address", agent.httpAddress());
    }

    /** OkHttp's JVM-wide task runner and Okio's watchdog outlive any one client by design. */
    @Override
    public Set<String> sharedThreadPrefixes() {
        return Set.of("OkHttp", "Okio Watchdog");
    }

    @Override
    public void close() {
        agent.close();
    }
}
