package io.microregistry.consul;

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

/** The config TCK against a real Consul dev agent (which loses its state when restarted). */
class ConsulConfigTckTest extends ConfigTck {

    @Override
    protected ConfigFixture fixture() {
        return new ConfigFixture() {
            private final ConsulAgent agent = ConsulAgent.start();

            @Override
            public Config newClient() {
                return Configs.open("consul", RegistryConfig.of(agent.httpAddress()).withTimeout(Duration.ofSeconds(2)));
            }

            @Override
            public Set<ConfigCapability> capabilities() {
                // No EVERY_CHANGE: blocking queries return the latest value of each key.
                return EnumSet.of(ConfigCapability.SERVER_RESTART, ConfigCapability.SERVER_STOP,
                        ConfigCapability.PROVIDER_DISCOVERY);
            }

            @Override
            public void restartServer() {
                agent.restart();
            }

            @Override
            public void stopServer() {
                agent.stop();
            }

            @Override
            public void startServer() {
                agent.restart();
            }

            @Override
            public Map<String, String> providerProperties() {
                return Map.of("micro.registry", "consul", "micro.registry.address", agent.httpAddress());
            }

            @Override
            public void close() {
                agent.close();
            }
        };
    }
}
