package io.microregistry.benchmarks;

import io.microregistry.consul.ConsulAgent;
import io.microregistry.etcd.EtcdServer;
import io.microregistry.zookeeper.ZookeeperServer;

/**
 * Starts a real etcd, Consul or ZooKeeper for the benchmarks with the backend module's own test
 * fixture ({@link EtcdServer}, {@link ConsulAgent}, {@link ZookeeperServer}, from the modules'
 * test-jars), so the servers run exactly as the backends' tests run them. Compiled only in the
 * {@code benchmarks} profile; {@link Backends} finds it by name.
 *
 * <p>{@link #start} blocks until the server serves; a server that cannot start fails with the
 * fixture's {@link IllegalStateException}. Not thread-safe: the harness starts one at a time.
 */
final class ServerBackends {

    private ServerBackends() {
    }

    static BackendUnderTest start(String name) {
        return switch (name) {
            case "etcd" -> {
                EtcdServer server = EtcdServer.startSingle();
                String address = server.address();
                yield new ServerBackend(name, address, server::close, () -> new EtcdRaw("http://" + address),
                        "jetcd: put with a shared lease, prefix watch");
            }
            case "consul" -> {
                ConsulAgent agent = ConsulAgent.start();
                String address = agent.httpAddress();
                yield new ServerBackend(name, address, agent::close, () -> new ConsulRaw(address),
                        "consul-client: agent service with a passing TTL check, health blocking query");
            }
            case "zookeeper" -> {
                ZookeeperServer server = ZookeeperServer.start();
                String address = server.connectString();
                yield new ServerBackend(name, address, server::close, () -> new ZookeeperRaw(address),
                        "Curator: EPHEMERAL znode, CuratorCache");
            }
            default -> throw new IllegalArgumentException("no server fixture for backend '" + name + "'");
        };
    }
}
