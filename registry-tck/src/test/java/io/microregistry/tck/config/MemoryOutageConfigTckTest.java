package io.microregistry.tck.config;

import io.microregistry.RegistryUnavailableException;
import io.microregistry.config.Config;
import io.microregistry.config.memory.MemoryConfigStore;
import io.microregistry.config.store.StoreConfig;
import io.microregistry.config.store.StoreWatchListener;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The config TCK on the memory store behind a simulated outage switch, so the recovery and
 * fallback contracts exercise the core without a server (the backend modules run them
 * against real servers).
 */
class MemoryOutageConfigTckTest extends ConfigTck {
    @Override
    protected ConfigFixture fixture() {
        return new ConfigFixture() {
            private final MemoryConfigStore store = new MemoryConfigStore();
            private final AtomicBoolean down = new AtomicBoolean();
            private final Set<StoreWatchListener> watches = OutageConfigStore.newWatchSet();

            @Override
            public Config newClient() {
                return new StoreConfig(new OutageConfigStore(store.connect(), down, watches));
            }

            @Override
            public Set<ConfigCapability> capabilities() {
                return Set.of(ConfigCapability.EVERY_CHANGE, ConfigCapability.SERVER_STOP, ConfigCapability.SERVER_RESTART);
            }

            @Override
            public void restartServer() {
                stopServer();
                startServer();
            }

            @Override
            public void stopServer() {
                down.set(true);
                for (StoreWatchListener l : List.copyOf(watches)) {
                    l.onTrouble(new RegistryUnavailableException("the (simulated) server stopped", null));
                }
            }

            @Override
            public void startServer() {
                down.set(false);
            }

            @Override
            public void close() {
                store.close();
            }
        };
    }
}
