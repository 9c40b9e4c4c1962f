package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;
import io.microregistry.RegistryException;
import io.microregistry.RegistryUnavailableException;
import io.microregistry.backend.DaemonThreads;
import io.microregistry.config.ConfigEntry;
import io.microregistry.config.store.ConfigStore;
import io.microregistry.config.store.StoreListing;
import io.microregistry.config.store.StoreWatch;
import io.microregistry.config.store.StoreWatchListener;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.RetryUntilElapsed;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The config center in ZooKeeper: key {@code a/b} is the znode {@code /micro/config/a/b},
 * holding the raw value bytes; version = the znode's data version; order = its mzxid.
 *
 * <p>A key may have child keys ({@code a/b} and {@code a/b/c}), so znodes that exist only as
 * parents hold {@code null} data and are not entries, while a key with an empty value holds an
 * empty array; deleting a key that has children turns its znode back into a parent. Segments
 * are percent-encoded where ZooKeeper refuses characters (surrogates, private-use and the
 * last code points), with {@code %} itself escaped, so every config key maps to one path and
 * back. Compare-and-set is {@code setData} at a version (absent: a create). Watches are a
 * {@link CuratorCache} (a persistent recursive watch) under the prefix: every change hands
 * the core the whole cached prefix, which it compares with what it has, so several writes to
 * one key between two notifications arrive as the latest. With digest credentials every znode
 * is ALL for its creator's identity and READ for everyone else.
 *
 * <p>Thread-safe.
 */
final class ZookeeperConfigStore implements ConfigStore {
    static final String ROOT = "/micro/config";

    private static final ACL OWNER_ALL = new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS);
    // Not List.of: ZooKeeper asks the list whether it contains null, which List.of rejects.
    private static final List<ACL> OWNER_ALL_OTHERS_READ = Collections.unmodifiableList(Arrays.asList(OWNER_ALL,
            new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

    private final CuratorFramework client;
    private final ConnectSettings settings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ZookeeperConfigStore(CuratorFramework client, ConnectSettings settings) {
        this.client = client;
        this.settings = settings;
    }

    static ZookeeperConfigStore open(RegistryConfig config) {
        ConnectSettings settings = ConnectSettings.from(config);
        List<AuthInfo> auth = settings.authenticated()
                ? List.of(new AuthInfo("digest", (settings.username() + ":" + settings.password())
                        .getBytes(StandardCharsets.UTF_8)))
                : List.of();
        List<ACL> acl = auth.isEmpty() ? ZooDefs.Ids.OPEN_ACL_UNSAFE : OWNER_ALL_OTHERS_READ;
        int callTimeoutMs = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        ZKClientConfig zkConfig = new ZKClientConfig();
        zkConfig.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Integer.toString(callTimeoutMs));
        zkConfig.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(settings.connectString())
                .sessionTimeoutMs(Math.max(callTimeoutMs * 2, 10_000))
                .connectionTimeoutMs(callTimeoutMs)
                .retryPolicy(new RetryUntilElapsed(callTimeoutMs, 100))
                .aclProvider(new ACLProvider() {
                    @Override
                    public List<ACL> getDefaultAcl() {
                        return acl;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        return acl;
                    }
                })
                .authorization(auth)
                .ensembleTracker(false)
                .zkClientConfig(zkConfig)
                .threadFactory(new DaemonThreads("micro-config-zk"))
                .build();
        client.start();
        return new ZookeeperConfigStore(client, settings);
    }

    // ---- key <-> path ----

    static String path(String key) {
        StringBuilder path = new StringBuilder(ROOT);
        if (key.isEmpty()) {
            return path.toString();
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                continue; // the empty tail of a directory prefix
            }
            path.append('/').append(encode(segment));
        }
        return path.toString();
    }

    private static String encode(String segment) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < segment.length()) {
            int cp = segment.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            if (cp == '%' || (cp > 0xd7ff && cp < 0xf900) || cp >= 0xfff0) {
                for (byte x : ch.getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(String.format("%02X", x & 0xff));
                }
            } else {
                b.append(ch);
            }
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                if (out.size() > 0) {
                    b.append(out.toString(StandardCharsets.UTF_8));
                    out.reset();
                }
                b.append(c);
            }
        }
        if (out.size() > 0) {
            b.append(out.toString(StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    static String key(String path) {
        String rest = path.substring(ROOT.length());
        if (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        StringBuilder key = new StringBuilder();
        for (String segment : rest.split("/")) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(decode(segment));
        }
        return key.toString();
    }

    private static ConfigEntry entry(String path, byte[] data, Stat stat) {
        return new ConfigEntry(key(path), data, stat.getVersion(), stat.getMzxid());
    }

    // ---- operations ----

    private interface Call<T> {
        T run() throws Exception;
    }

    private <T> T call(String action, Call<T> call) {
        if (closed.get()) {
            throw new IllegalStateException("the ZooKeeper config client is closed");
        }
        try {
            return call.run();
        } catch (Exception e) {
            throw BackendErrors.translate(e, action, settings);
        }
    }

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public Optional<ConfigEntry> get(String key) {
        String path = path(key);
        return call("read config " + key, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(path);
                return data == null ? Optional.empty() : Optional.of(entry(path, data, stat));
            } catch (KeeperException.NoNodeException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public StoreListing list(String prefix) {
        String top = path(prefix);
        return call("list config " + prefix, () -> {
            List<ConfigEntry> entries = new ArrayList<>();
            long[] revision = {0};
            walk(top, prefix.isEmpty() || prefix.endsWith("/"), entries, revision);
            return new StoreListing(entries, revision[0]);
        });
    }

    private void walk(String path, boolean below, List<ConfigEntry> entries, long[] revision) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        List<String> children;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
            children = stat.getNumChildren() == 0 ? List.of() : client.getChildren().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        revision[0] = Math.max(revision[0], stat.getMzxid());
        if (data != null && !below) {
            entries.add(entry(path, data, stat));
        }
        for (String child : children) {
            walk(path + "/" + child, false, entries, revision);
        }
    }

    /** Creates the parents of {@code path} as null-data znodes, where missing. */
    private void parents(String path) throws Exception {
        int slash = path.indexOf('/', 1);
        while (slash > 0) {
            String parent = path.substring(0, slash);
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(parent, null);
            } catch (KeeperException.NodeExistsException e) {
                // already there
            }
            slash = path.indexOf('/', slash + 1);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        String path = path(key);
        call("write config " + key, () -> {
            while (true) {
                try {
                    client.setData().forPath(path, value);
                    return null;
                } catch (KeeperException.NoNodeException e) {
                    parents(path);
                    try {
                        client.create().withMode(CreateMode.PERSISTENT).forPath(path, value);
                        return null;
                    } catch (KeeperException.NodeExistsException raced) {
                        // someone created it meanwhile: set it
                    }
                }
            }
        });
    }

    @Override
    public boolean putIfVersion(String key, byte[] value, long version) {
        String path = path(key);
        return call("compare-and-set config " + key, () -> {
            Stat stat = new Stat();
            try {
                byte[] data = client.getData().storingStatIn(stat).forPath(path);
                if (data == null || stat.getVersion() != version) {
                    return false;
                }
                client.setData().withVersion((int) version).forPath(path, value);
                return true;
            } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
                return false;
            }
        });
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value) {
        String path = path(key);
        return call("create config " + key, () -> {
            parents(path);
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, value);
                return true;
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = new Stat();
                try {
                    byte[] data = client.getData().storingStatIn(stat).forPath(path);
                    if (data != null) {
                        return false;
                    }
                    // A parent-only znode: claim it, unless someone else does first.
                    client.setData().withVersion(stat.getVersion()).forPath(path, value);
                    return true;
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException raced) {
                    return false;
                }
            }
        });
    }

    @Override
    public boolean delete(String key) {
        String path = path(key);
        return call("delete config " + key, () -> {
            while (true) {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException e) {
                    return false;
                }
                if (data == null) {
                    return false;
                }
                try {
                    if (stat.getNumChildren() > 0) {
                        client.setData().withVersion(stat.getVersion()).forPath(path, null);
                    } else {
                        client.delete().withVersion(stat.getVersion()).forPath(path);
                    }
                    return true;
                } catch (KeeperException.BadVersionException | KeeperException.NotEmptyException
                         | KeeperException.NoNodeException raced) {
                    // changed between read and delete: look again
                }
            }
        });
    }

    @Override
    public StoreWatch watch(String prefix, long afterRevision, StoreWatchListener listener) {
        if (closed.get()) {
            throw new IllegalStateException("the ZooKeeper config client is closed");
        }
        String top = path(prefix);
        boolean below = prefix.isEmpty() || prefix.endsWith("/");
        CuratorCache cache = CuratorCache.build(client, top);
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean initialized = new AtomicBoolean();
        Runnable deliver = () -> {
            List<ConfigEntry> entries = new ArrayList<>();
            long revision = 0;
            for (ChildData d : cache.stream().toList()) {
                revision = Math.max(revision, d.getStat().getMzxid());
                if (d.getData() != null && !(below && d.getPath().equals(top))) {
                    entries.add(entry(d.getPath(), d.getData(), d.getStat()));
                }
            }
            listener.onListing(new StoreListing(entries, revision));
        };
        ConnectionStateListener connection = (c, state) -> {
            if ((state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) && done.compareAndSet(false, true)) {
                listener.onTrouble(new RegistryUnavailableException("ZooKeeper at " + settings.connectString()
                        + " lost the connection of the config watch of " + prefix + " (" + state + ")", null));
            }
        };
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, oldData, data) -> {
                    if (!done.get() && initialized.get()) {
                        deliver.run();
                    }
                })
                .forInitialized(() -> {
                    if (!done.get()) {
                        initialized.set(true);
                        deliver.run();
                        listener.onCurrent();
                    }
                })
                .build());
        client.getConnectionStateListenable().addListener(connection);
        try {
            cache.start();
        } catch (RuntimeException e) {
            client.getConnectionStateListenable().removeListener(connection);
            throw new RegistryException("could not watch config " + prefix + " on ZooKeeper at "
                    + settings.connectString(), e);
        }
        return () -> {
            done.set(true);
            client.getConnectionStateListenable().removeListener(connection);
            cache.close();
        };
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.close();
        }
    }
}
