package io.microregistry.benchmarks;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;

import java.util.List;

/** A real etcd 3.5 on loopback; the raw floor is jetcd. */
final class EtcdBackend implements BackendUnderTest {

    private final ServerProcess server;
    private final String address;

    private EtcdBackend(ServerProcess server, String address) {
        this.server = server;
        this.address = address;
    }

    static EtcdBackend start() {
        int client = ServerProcess.freePort();
        int peer = ServerProcess.freePort();
        String clientUrl = "http://127.0.0.1:" + client;
        String peerUrl = "http://127.0.0.1:" + peer;
        String binary = ServerProcess.binary("etcd-server", "usr/bin/etcd").toString();
        ServerProcess server = ServerProcess.start("etcd", dir -> List.of(binary,
                "--name", "bench", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "bench=" + peerUrl, "--initial-cluster-state", "new",
                // As the etcd module's tests run it: both the registry and jetcd pay the same disk cost.
                "--unsafe-no-fsync", "--log-level", "warn"),
                clientUrl + "/health", body -> body.contains("\"health\":\"true\""));
        return new EtcdBackend(server, "127.0.0.1:" + client);
    }

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public Registry open() {
        return Registries.open("etcd", RegistryConfig.of(address));
    }

    @Override
    public RawClient raw() {
        return new EtcdRaw("http://" + address);
    }

    @Override
    public String rawDescription() {
        return "jetcd: put with a shared lease, prefix watch";
    }

    @Override
    public void close() {
        server.close();
    }
}
