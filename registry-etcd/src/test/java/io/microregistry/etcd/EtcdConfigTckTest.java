package io.microregistry.etcd;

import io.microregistry.RegistryConfig;
import io.microregistry.config.Config;
import io.microregistry.config.Configs;
import io.microregistry.tck.config.ConfigCapability;
import io.microregistry.tck.config.ConfigFixture;
import io.microregistry.tck.config.ConfigTck;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The config TCK against a real etcd started from the fetched binaries. */
class EtcdConfigTckTest extends ConfigTck {

    @Override
    protected ConfigFixture fixture() {
        return new ConfigFixture() {
            private final EtcdServer server = EtcdServer.startSingle();

            @Override
            public Config newClient() {
                return Configs.open("etcd", RegistryConfig.of(server.address()).withTimeout(Duration.ofSeconds(2)));
            }

            @Override
            public Set<ConfigCapability> capabilities() {
                return EnumSet.allOf(ConfigCapability.class);
            }

            @Override
            public void restartServer() {
                server.restart();
            }

            @Override
            public void stopServer() {
                server.stop();
            }

            @Override
            public void startServer() {
                server.start();
            }

            @Override
            public Map<String, String> providerProperties() {
                return Map.of("micro.registry", "etcd", "micro.registry.address", server.address());
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
