package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.Configs;
import io.microregistry.tck.config.ConfigCapability;
import io.microregistry.tck.config.ConfigFixture;
import io.microregistry.tck.config.ConfigTck;
import org.apache.curator.test.TestingServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The config TCK against a real ZooKeeper server (Curator's TestingServer, in this JVM). */
class ZookeeperConfigTckTest extends ConfigTck {

    @Override
    protected ConfigFixture fixture() {
        return new ConfigFixture() {
            private final TestingServer server = start();

            private TestingServer start() {
                try {
                    return new TestingServer(ZookeeperServer.spec(-1, -1), true);
                } catch (Exception e) {
                    throw new IllegalStateException("could not start ZooKeeper", e);
                }
            }

            private String address() {
                return "127.0.0.1:" + server.getPort();
            }

            @Override
            public Config newClient() {
                return Configs.open("zookeeper", RegistryConfig.of(address()).withTimeout(Duration.ofSeconds(2)));
            }

            @Override
            public Set<ConfigCapability> capabilities() {
                // No EVERY_CHANGE: a watch notification says "changed", the read that follows sees the latest.
                return EnumSet.of(ConfigCapability.SERVER_RESTART, ConfigCapability.SERVER_STOP,
                        ConfigCapability.PROVIDER_DISCOVERY);
            }

            @Override
            public void restartServer() {
                try {
                    server.restart();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void stopServer() {
                try {
                    server.stop();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void startServer() {
                restartServer();
            }

            @Override
            public Map<String, String> providerProperties() {
                return Map.of("micro.registry", "zookeeper", "micro.registry.address", address());
            }

            @Override
            public void close() {
                try {
                    server.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
