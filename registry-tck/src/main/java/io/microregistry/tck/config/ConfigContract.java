package io.microregistry.tck.config;

import io.microregistry.WatchStatus;
import io.microregistry.config.Config;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.ConfigListener;
import io.microregistry.config.ConfigSubscription;
import io.microregistry.config.ConfigView;
import io.microregistry.config.ConfigWatcher;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of every config contract group: the fixture, clients/watchers/views closed after each
 * test, a key root no other test uses, and waits bounded by the fixture.
 */
@Timeout(120)
public abstract class ConfigContract {

    private final ConfigFixture fixture;
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    private final String root = "tck/" + UUID.randomUUID().toString().substring(0, 8) + "/";

    protected ConfigContract(ConfigFixture fixture) {
        this.fixture = fixture;
    }

    protected final ConfigFixture fixture() {
        return fixture;
    }

    /** A new client, closed after the test. Thread-safe. */
    protected final Config client() {
        Config client = fixture.newClient();
        closeables.add(client);
        return client;
    }

    /** Closes {@code c} after the test. */
    protected final <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(0, c);
        return c;
    }

    protected final ConfigWatcher watch(Config client, String prefix) {
        return closeLater(client.watch(prefix));
    }

    protected final ConfigView view(Config client, io.microregistry.config.ViewOptions options) {
        return closeLater(client.view(options));
    }

    protected final ConfigSubscription subscribe(Config client, String prefix, ConfigListener listener) {
        return closeLater(client.subscribe(prefix, listener));
    }

    @AfterEach
    final void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        closeables.clear();
    }

    /** This test's own root, ending in {@code /}. */
    protected final String root() {
        return root;
    }

    /** A key under this test's root. */
    protected final String key(String relative) {
        return root + relative;
    }

    protected final void require(ConfigCapability capability) {
        assumeTrue(fixture.capabilities().contains(capability), capability.missingReason());
    }

    protected final ConditionFactory await() {
        return await(fixture.propagationBound());
    }

    protected static ConditionFactory await(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).pollInSameThread();
    }

    protected static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A listener that records everything, for assertions. Thread-safe. */
    protected static final class Recorder implements ConfigListener {
        final List<ConfigEntry> snapshot = new CopyOnWriteArrayList<>();
        final List<ConfigChange> changes = new CopyOnWriteArrayList<>();
        final List<WatchStatus> statuses = new CopyOnWriteArrayList<>();
        volatile boolean snapshotSeen;

        @Override
        public void onSnapshot(List<ConfigEntry> current) {
            snapshot.addAll(current);
            snapshotSeen = true;
        }

        @Override
        public void onChange(ConfigChange change) {
            changes.add(change);
        }

        @Override
        public void onStatus(WatchStatus status) {
            statuses.add(status);
        }
    }
}
