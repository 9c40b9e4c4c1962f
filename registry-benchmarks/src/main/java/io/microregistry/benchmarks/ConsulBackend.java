package io.microregistry.benchmarks;

import io.microregistry.Registries;
import io.microregistry.Registry;
import io.microregistry.RegistryConfig;

import java.util.List;

/** A real Consul agent in {@code -dev} mode on loopback; the raw floor is kiwiproject consul-client. */
final class ConsulBackend implements BackendUnderTest {

    private final ServerProcess server;
    private final int httpPort;

    private ConsulBackend(ServerProcess server, int httpPort) {
        this.server = server;
        this.httpPort = httpPort;
    }

    static ConsulBackend start() {
        int http = ServerProcess.freePort();
        String binary = ServerProcess.binary("consul", "usr/bin/consul").toString();
        List<String> command = List.of(binary, "agent", "-dev", "-node", "bench",
                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-advertise", "127.0.0.1",
                "-http-port", Integer.toString(http),
                "-server-port", Integer.toString(ServerProcess.freePort()),
                "-serf-lan-port", Integer.toString(ServerProcess.freePort()),
                "-serf-wan-port", Integer.toString(ServerProcess.freePort()),
                "-dns-port", "-1", "-grpc-port", "-1", "-log-level", "warn");
        ServerProcess server = ServerProcess.start("consul", dir -> command,
                "http://127.0.0.1:" + http + "/v1/status/leader", body -> body.trim().length() > 2);
        return new ConsulBackend(server, http);
    }

    @Override
    public String name() {
        return "consul";
    }

    @Override
    public Registry open() {
        return Registries.open("consul", RegistryConfig.of("127.0.0.1:" + httpPort));
    }

    @Override
    public RawClient raw() {
        return new ConsulRaw(httpPort);
    }

    @Override
    public String rawDescription() {
        return "consul-client: agent service with a passing TTL check, health blocking query";
    }

    @Override
    public void close() {
        server.close();
    }
}
