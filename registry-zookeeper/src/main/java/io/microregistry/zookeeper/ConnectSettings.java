package io.microregistry.zookeeper;

import io.microregistry.RegistryConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ZooKeeper client is built from, checked once: the connect string, the digest
 * credentials and the per-call deadline.
 *
 * @param connectString ZooKeeper connect string, {@code host:port[,host:port...]}
 * @param username      digest user, or null for no authentication
 * @param password      digest password, or null exactly when {@code username} is
 * @param timeout       deadline of one backend call
 * @param paths         the znode layout: go-micro's root, or the configured namespace
 */
record ConnectSettings(String connectString, String username, String password, Duration timeout,
                       ZookeeperPaths paths) {

    /** Where ZooKeeper usually listens. */
    static final String DEFAULT_ADDRESS = "127.0.0.1:2181";
    static final int DEFAULT_PORT = 2181;

    /**
     * @throws IllegalArgumentException naming the setting that cannot be used
     */
    static ConnectSettings from(RegistryConfig config) {
        if (config.tls()) {
            throw new IllegalArgumentException("tlsCa/tlsCert/tlsKey: TLS is not supported by the zookeeper provider;"
                    + " unset MICRO_REGISTRY_TLS_* or use a plain-text ZooKeeper endpoint");
        }
        if ((config.username() == null) != (config.password() == null)) {
            throw new IllegalArgumentException("username and password must be given together (ZooKeeper digest auth)");
        }
        if (config.username() != null && config.username().indexOf(':') >= 0) {
            throw new IllegalArgumentException("username must not contain ':' (ZooKeeper digest auth is user:password)");
        }
        List<String> hosts = new ArrayList<>();
        for (String address : config.addresses()) {
            hosts.add(hostPort(address));
        }
        String connect = hosts.isEmpty() ? DEFAULT_ADDRESS : String.join(",", hosts);
        return new ConnectSettings(connect, config.username(), config.password(), config.timeout(),
                config.namespace().map(ZookeeperPaths::new).orElse(ZookeeperPaths.DEFAULT));
    }

    /** Whether digest credentials were given. */
    boolean authenticated() {
        return username != null;
    }

    /** {@code host:port} from {@code host}, {@code host:port} or {@code scheme://host:port}. */
    private static String hostPort(String address) {
        String withScheme = address.contains("://") ? address : "zk://" + address;
        URI uri;
        try {
            uri = new URI(withScheme);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port", e);
        }
        String host = uri.getHost();
        if (host == null || host.isBlank() || (uri.getPath() != null && !uri.getPath().isEmpty())) {
            throw new IllegalArgumentException("address '" + address + "' is not host:port");
        }
        int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
        if (port == 0) {
            throw new IllegalArgumentException("address '" + address + "' has port 0");
        }
        return host + ":" + port;
    }

    @Override
    public String toString() {
        // Never print the password.
        return "ConnectSettings[" + connectString + (username == null ? "" : ", user " + username)
                + ", timeout " + timeout + "]";
    }
}
