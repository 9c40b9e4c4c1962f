package io.microregistry.zookeeper;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;
import io.microregistry.backend.StoreRegistry;
import io.microregistry.tck.Capability;
import io.microregistry.tck.RegistryFixture;

import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real ZooKeeper server in this JVM ({@link ZookeeperServer}, whose timings let the TCK's
 * 2 s TTL be taken as asked) and clients opened through the provider. The client logs a
 * warning when a production server (usually {@code tickTime} 2000) raises a TTL's session
 * timeout.
 */
final class ZookeeperFixture implements RegistryFixture {

    private final ZookeeperServer server = ZookeeperServer.start();

    /** The server itself, for tests that inject faults beyond the TCK's. */
    ZookeeperServer server() {
        return server;
    }

    String connectString() {
        return server.connectString();
    }

    @Override
    public Registry newClient() {
        return Registries.open("zookeeper", RegistryConfig.of(connectString()));
    }

    /** A client as the provider opens it for {@code MICRO_REGISTRY_NAMESPACE=namespace}. */
    @Override
    public Registry newClient(String namespace) {
        return Registries.open("zookeeper", RegistryConfig.of(connectString()).withNamespace(namespace));
    }

    /** The store under a client opened through the provider: sessions and other test hooks. */
    static ZookeeperStore store(Registry client) {
        return (ZookeeperStore) ((StoreRegistry) client).store();
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ABANDON_CLIENT, Capability.KILL_PROCESS, Capability.SERVER_RESTART,
                Capability.PROVIDER_DISCOVERY, Capability.SESSION_LOSS, Capability.NAMESPACES);
    }

    @Override
    public Duration shortTtl() {
        return Duration.ofSeconds(2);
    }

    @Override
    public Duration propagationBound() {
        return Duration.ofSeconds(5);
    }

    @Override
    public void abandon(Registry client) {
        ((StoreRegistry) client).abandon();
    }

    /**
     * Expires each of the client's sessions on the server, the classic way: another handle
     * takes the session over (same id and password) and closes it. Done once a takeover is
     * refused as expired; if the owner took its session back in between, the close did not
     * end it, so it is tried again.
     */
    @Override
    public void loseSession(Registry client) {
        try {
            for (Session session : store(client).openSessions()) {
                ZooKeeper owner = session.zooKeeper();
                expire(owner.getSessionId(), owner.getSessionPasswd());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("could not expire a session", e);
        }
    }

    private void expire(long sessionId, byte[] password) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            CountDownLatch answered = new CountDownLatch(1);
            AtomicReference<KeeperState> state = new AtomicReference<>();
            ZooKeeper thief = new ZooKeeper(connectString(), (int) shortTtl().toMillis(), event -> {
                if (event.getState() == KeeperState.SyncConnected || event.getState() == KeeperState.Expired) {
                    state.compareAndSet(null, event.getState());
                    answered.countDown();
                }
            }, sessionId, password);
            try {
                if (!answered.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no answer taking over session 0x" + Long.toHexString(sessionId));
                }
            } finally {
                thief.close();
            }
            if (state.get() == KeeperState.Expired) {
                return;
            }
        }
        throw new IllegalStateException("could not expire session 0x" + Long.toHexString(sessionId));
    }

    @Override
    public void restartServer() {
        server.restart();
    }

    @Override
    public Map<String, String> providerProperties() {
        return Map.of("micro.registry", "zookeeper", "micro.registry.address", connectString());
    }

    @Override
    public void close() {
        server.close();
    }
}
