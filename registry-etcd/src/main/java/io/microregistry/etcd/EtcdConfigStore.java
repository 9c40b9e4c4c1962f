package io.microregistry.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.microregistry.RegistryConfig;
import io.microregistry.config.ConfigChange;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.HistoryLostException;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The config center on etcd KV: key {@code /micro/config/<key>} (go-micro config's etcd
 * root), the raw value bytes, version = mod revision. Compare-and-set is a transaction on
 * the mod revision (absent: version 0); watches are etcd watches from a revision, so every
 * change is delivered and a resumed watch misses none; after compaction the store reports
 * {@link HistoryLostException} and the core re-reads. Connection, credentials, TLS and
 * deadlines are the registry's ({@link EtcdConnection}).
 *
 * <p>Thread-safe.
 */
final class EtcdConfigStore implements ConfigStore {
    static final String ROOT = "/micro/config/";

    private final Client client;
    private final Duration timeout;
    private final String endpoints;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EtcdConfigStore(Client client, Duration timeout, String endpoints) {
        this.client = client;
        this.timeout = timeout;
        this.endpoints = endpoints;
    }

    static EtcdConfigStore open(RegistryConfig config) {
        EtcdConnection connection = EtcdConnection.of(config);
        return new EtcdConfigStore(connection.open(), connection.timeout(), connection.describe());
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(ROOT + key, StandardCharsets.UTF_8);
    }

    private static ConfigEntry entry(KeyValue kv) {
        return new ConfigEntry(relative(kv.getKey()), kv.getValue().getBytes(), kv.getModRevision(), kv.getModRevision());
    }

    private static String relative(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8).substring(ROOT.length());
    }

    @Override
    public String name() {
        return EtcdRegistryProvider.NAME;
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        List<KeyValue> kvs = await(client.getKVClient().get(bytes(key)), "read config " + key).getKvs();
        return kvs.isEmpty() ? Optional.empty() : Optional.of(entry(kvs.get(0)));
    }

    @Override
    public StoreListing list(String prefix) {
        var response = await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
                "list config " + prefix);
        List<ConfigEntry> entries = new ArrayList<>();
        response.getKvs().forEach(kv -> entries.add(entry(kv)));
        return new StoreListing(entries, response.getHeader().getRevision());
    }

    @Override
    public void put(String key, byte[] value) {
        await(client.getKVClient().put(bytes(key), ByteSequence.from(value)), "write config " + key);
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        if (version <= 0) {
            return false; // mod revision 0 would mean "absent"; that is putIfAbsent's job
        }
        return commitIf(key, value, CmpTarget.modRevision(version));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        return commitIf(key, value, CmpTarget.version(0));
    }

    private boolean commitIf(String key, byte[] value, CmpTarget<?> target) {
        ByteSequence k = bytes(key);
        return await(client.getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, target))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .commit(), "compare-and-set config " + key).isSucceeded();
    }

    @Override
    public boolean delete(String key) {
        return await(client.getKVClient().delete(bytes(key)), "delete config " + key).getDeleted() > 0;
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(afterRevision + 1)
                .withCreateNotify(true)
                .build();
        AtomicBoolean done = new AtomicBoolean();
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix), option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                if (done.get()) {
                    return;
                }
                if (response.isCreatedNotify()) {
                    listener.onCurrent();
                    return;
                }
                List<ConfigChange> changes = new ArrayList<>();
                for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
                    KeyValue kv = event.getKeyValue();
                    switch (event.getEventType()) {
                        case PUT -> changes.add(ConfigChange.put(entry(kv)));
                        case DELETE -> changes.add(ConfigChange.delete(relative(kv.getKey()), kv.getModRevision()));
                        default -> {
                            // nothing to deliver
                        }
                    }
                }
                if (!changes.isEmpty()) {
                    listener.onChanges(changes);
                }
            }

            @Override
            public void onError(Throwable error) {
                if (done.compareAndSet(false, true)) {
                    listener.onTrouble(EtcdErrors.translate("watch config " + prefix, endpoints, error));
                }
            }

            @Override
            public void onCompleted() {
                // jetcd completes a watch it cannot resume: compaction or a non-retryable error.
                if (done.compareAndSet(false, true)) {
                    listener.onTrouble(new HistoryLostException("etcd at " + endpoints + " ended the config watch of "
                            + prefix + " (compacted past revision " + afterRevision + "?); re-reading", null));
                }
            }
        });
        return () -> {
            done.set(true);
            watcher.close();
        };
    }

    private <T> T await(CompletableFuture<T> call, String action) {
        if (closed.get()) {
            throw new IllegalStateException("the etcd config client is closed");
        }
        return EtcdErrors.await(call, timeout.toNanos(), action, endpoints);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }
}
